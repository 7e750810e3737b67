# lib.bash - what a scene script may call. tests/play sources this file, then
# runs the scene in a subshell whose working directory is the lab's folder,
# so commands read as a student types them (./server, ./client).
#
# A scene prints a transcript. In "demo" mode it also narrates (say) and
# shows real ports and pids; in "check" and "update" mode tests/play rewrites
# ports and pids to fixed values so the transcript can sit in a handout.
#
#   say TEXT          narration, shown by make demo only
#   server [ARGS]     start ./server ARGS on a free port (shown as the lab's
#                     default port), wait until it listens, show that line
#   show 'COMMAND'    show "$ COMMAND", run it, show its output (stdout and
#                     stderr); $PORT in COMMAND is the server's port and
#                     $SERVER_PID its pid (shown as 4000 in handouts)
#   server_log REGEX  wait until the server printed a line matching REGEX,
#                     then show its new lines (stdout and stderr), each
#                     marked [server]
#   client NAME [ARGS]  start ./client ARGS in the background, as if in a
#                     terminal of its own called NAME, its stdin on a FIFO
#   typed NAME TEXT   type a line into NAME's terminal (shown as "[NAME] > TEXT")
#   client_log NAME REGEX  wait until NAME printed a line matching REGEX, then
#                     show its new lines marked [NAME]
#   finish NAME       end NAME's input (Ctrl-D), wait for it to exit, show the
#                     rest of its output and its exit status
#   client_program NAME PROGRAM [ARGS]  like client, for another program
#                     (../../tests/tools/peer hold, say)
#   enter NAME        press Enter alone in NAME's terminal (an empty line)
#   start_in NAME 'COMMAND'  type COMMAND in terminal NAME, where it runs in
#                     the background of the scene (no input); $PORT as in show
#   interrupt NAME    press Ctrl-C in NAME's terminal (started by start_in) and
#                     wait for it to end
#   kill9 NAME        from another terminal, kill -9 NAME's program; show its
#                     exit status
#   run_in NAME 'COMMAND'  type COMMAND at NAME's shell prompt and run it in
#                     the scene's own shell, as a shell builtin would be
#                     (ulimit -n, say: it applies to what NAME runs next)
#   await 'COMMAND' [WORDS]  wait (silently) until COMMAND succeeds, e.g.
#                     until a socket shows up in ss; the scene fails after
#                     10 s. WORDS say what it waits for ("B's 7 bytes to wait
#                     unread"): make lecture shows them when a wait drags on
#   stop              press Ctrl-C in the server's terminal (SIGINT), wait for
#                     it to exit and show its exit status
#   mask REAL SHOWN   in handouts, show the word REAL (a pid, say) as SHOWN
#   new_lines NAME    show the lines terminal NAME printed that were not
#                     shown yet, each marked [NAME] (after an await, say)
#   shown 'COMMAND'   COMMAND as the transcript shows it, its $PORT and
#                     $SERVER_PID put in (for a helper that prints a command)
#
# The same scenes drive make lecture (tests/lecture/lib.bash implements these
# functions with real terminals in tmux panes): a scene uses only these
# functions, TERMINAL_PID, $PORT, $SERVER_PID and $SCENE_TMP/server.out (what
# the server's terminal printed), so that both libraries can play it.
# tests/scene-verbs.bats checks that both define every function a scene
# calls, taking the same arguments, and that this comment names each one.
#
# A scene may set SCENE_SERVER_WRAPPER=(command...) to run the server under
# that command (tests/tools/subreaper, say); SERVER_PID stays the server's.
#
# SCENE_MODE (demo, check or update) and SCENE_DEFAULT_PORT are set by
# tests/play; SCENE_MASKS receives "real shown" pairs for the normaliser (mask).

SCENE_DEADLINE_MS=10000
SERVER_PID=
SERVER_JOB=            # the background job: the server, or its wrapper
SCENE_SERVER_WRAPPER=() # a command to run the server under (a subreaper)
SHOWN_SERVER_PID=4000
PORT=
declare -A SHOWN_LINES TERMINAL_FD TERMINAL_PID

# Every wait (wait_for_line, await, exited) is tests/wait.bash's wait_until,
# looking at least every 20 ms, pausing on a FIFO in SCENE_TMP.
# shellcheck source=tests/wait.bash
source "${BASH_SOURCE[0]%/*}/../wait.bash"
# shellcheck disable=SC2034 # both read by tests/wait.bash
WAIT_FIFO_DIR=$SCENE_TMP POLL_MAX_MS=20

say() {
  [[ $SCENE_MODE == demo ]] && printf '  %s# %s%s\n' "$BOLD" "$*" "$PLAIN"
  return 0
}

# The command as the handout shows it: the default port instead of the real.
shown() {
  local text=$1
  if [[ $SCENE_MODE != demo ]]; then
    text=${text//\$PORT/$SCENE_DEFAULT_PORT}
    text=${text//\$SERVER_PID/$SHOWN_SERVER_PID}
  else
    text=${text//\$PORT/$PORT}
    text=${text//\$SERVER_PID/$SERVER_PID}
  fi
  printf '%s' "$text"
}

show() {
  printf '$ %s\n' "$(shown "$1")"
  eval "$1" 2>&1
}

# new_lines NAME : the lines terminal NAME printed that were not shown yet,
# each marked [NAME]. The server's terminal is called "server".
new_lines() {
  local out=$SCENE_TMP/$1.out shown=${SHOWN_LINES[$1]:-0} total
  # Counted first, then shown: a line the program writes meanwhile waits
  # for the next call (counted after showing, it would be lost).
  total=$(wc -l <"$out")
  ((total > shown)) && sed -n "$((shown + 1)),${total}p" "$out" | sed "s/^/[$1] /"
  SHOWN_LINES[$1]=$total
}

# has_new_line NAME REGEX : terminal NAME printed a line not shown yet that
# matches REGEX.
has_new_line() {
  tail -n "+$((${SHOWN_LINES[$1]:-0} + 1))" "$SCENE_TMP/$1.out" | grep -qE -- "$2"
}

# wait_for_line NAME REGEX : wait until terminal NAME printed a new line
# matching REGEX.
wait_for_line() {
  wait_until "$SCENE_DEADLINE_MS" has_new_line "$1" "$2" && return 0
  echo "scene: $1 never printed a line matching '$2'; it printed:" >&2
  cat "$SCENE_TMP/$1.out" >&2
  exit 1 # the scene failed: stop it here
}

# succeeds COMMAND : the scene's COMMAND succeeds, its output unseen. (A
# scene gives it as text, as a student would type it: hence the eval.)
succeeds() { eval "$1" >/dev/null 2>&1; }

await() {
  wait_until "$SCENE_DEADLINE_MS" succeeds "$1" && return 0
  echo "scene: gave up waiting for ${2:-this command to succeed}: $1" >&2
  exit 1
}

mask() {
  echo "$1 $2" >>"$SCENE_MASKS"
}

server() {
  printf '[server]$ ./server%s\n' "${*:+ $*}"
  : >"$SCENE_TMP/server.out" # there before anything reads it
  "${SCENE_SERVER_WRAPPER[@]}" ./server "$@" 0 >"$SCENE_TMP/server.out" 2>&1 </dev/null &
  SERVER_JOB=$!
  wait_for_line server '^listening on '
  SERVER_PID=$SERVER_JOB
  if ((${#SCENE_SERVER_WRAPPER[@]} > 0)); then
    SERVER_PID=$(pgrep -P "$SERVER_JOB")
  fi
  mask "$SERVER_PID" "$SHOWN_SERVER_PID"
  PORT=$(sed -n '1s/.* port \([0-9]*\) (pid [0-9]*)$/\1/p' "$SCENE_TMP/server.out")
  mask "$PORT" "$SCENE_DEFAULT_PORT"
  new_lines server
}

server_log() {
  wait_for_line server "$1"
  new_lines server
}

client() {
  client_program "$1" ./client "${@:2}"
}

client_program() {
  local name=$1 program=$2 fd
  shift 2
  printf '[%s]$ %s\n' "$name" "$(shown "$program $*")"
  set -- "${@//\$PORT/$PORT}"
  mkfifo "$SCENE_TMP/$name.in"
  : >"$SCENE_TMP/$name.out" # there before anything reads it
  exec {fd}<>"$SCENE_TMP/$name.in" # read-write: the open does not block
  # Each client gets its own input and none of the others' FIFOs.
  (
    for other in "${TERMINAL_FD[@]}"; do exec {other}>&-; done
    exec {fd}>&-
    exec "$program" "$@" <"$SCENE_TMP/$name.in" >"$SCENE_TMP/$name.out" 2>&1
  ) &
  TERMINAL_PID[$name]=$!
  TERMINAL_FD[$name]=$fd
}

enter() {
  printf '[%s] > (an empty line: just Enter)\n' "$1"
  printf '\n' >&"${TERMINAL_FD[$1]}"
}

start_in() {
  printf '[%s]$ %s\n' "$1" "$(shown "$2")"
  (
    for other in "${TERMINAL_FD[@]}"; do exec {other}>&-; done
    exec bash -c "exec ${2//\$PORT/$PORT}" </dev/null >"$SCENE_TMP/$1.out" 2>&1
  ) &
  TERMINAL_PID[$1]=$!
}

# A script's background job ignores SIGINT (bash does that when there is no
# job control), so SIGTERM stands in for the Ctrl-C.
interrupt() {
  printf '[%s] ^C\n' "$1"
  kill -TERM "${TERMINAL_PID[$1]}"
  wait "${TERMINAL_PID[$1]}" 2>/dev/null
  unset "TERMINAL_PID[$1]"
}

# (bash would report "Killed" for its job: not part of the transcript.)
kill9() {
  local pid=${TERMINAL_PID[$1]} status=0
  printf '$ kill -9 %s\n' "$pid"
  { kill -9 "$pid" && wait "$pid"; } 2>/dev/null || status=$?
  printf '[%s] (exit status %d)\n' "$1" "$status"
  unset "TERMINAL_PID[$1]"
}

run_in() {
  printf '[%s]$ %s\n' "$1" "$(shown "$2")"
  eval "$2"
}

typed() {
  printf '[%s] > %s\n' "$1" "$2"
  printf '%s\n' "$2" >&"${TERMINAL_FD[$1]}"
}

client_log() {
  wait_for_line "$1" "$2"
  new_lines "$1"
}

finish() {
  local fd=${TERMINAL_FD[$1]} status=0
  printf '[%s] ^D\n' "$1"
  exec {fd}>&-
  unset "TERMINAL_FD[$1]"
  wait "${TERMINAL_PID[$1]}" || status=$?
  new_lines "$1"
  printf '[%s] (exit status %d)\n' "$1" "$status"
}

stop() {
  local status=0
  printf '[server] ^C\n'
  kill -INT "$SERVER_PID"
  wait "$SERVER_JOB" || status=$? # a wrapper exits with the server's status
  new_lines server
  printf '[server] (exit status %d)\n' "$status"
  SERVER_PID=
}

# If a scene fails half way, leave no server running.
scene_cleanup() {
  local pid
  for pid in "$SERVER_PID" "$SERVER_JOB" "${TERMINAL_PID[@]}"; do
    [[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null
  done
  return 0
}
trap scene_cleanup EXIT

# --- p2p-chat: a server with a terminal of its own ---
#   server_with_terminal [ARGS]  like server, but ./server reads its stdin
#                     from a FIFO, as if typed in the terminal called
#                     "server": typed server TEXT types a line into it,
#                     finish server ends its input (Ctrl-D)
#   exited NAME       wait until NAME exits by itself (no Ctrl-D), then
#                     show the rest of its output and its exit status
server_with_terminal() {
  local fd
  printf '[server]$ ./server%s\n' "${*:+ $*}"
  mkfifo "$SCENE_TMP/server.in"
  exec {fd}<>"$SCENE_TMP/server.in" # read-write: the open does not block
  : >"$SCENE_TMP/server.out"         # there before anyone looks for it
  (
    for other in "${TERMINAL_FD[@]}"; do exec {other}>&-; done
    exec {fd}>&-
    exec ./server "$@" 0 <"$SCENE_TMP/server.in" >"$SCENE_TMP/server.out" 2>&1
  ) &
  SERVER_JOB=$!
  SERVER_PID=$SERVER_JOB # no wrapper here: stop waits for SERVER_JOB
  mask "$SERVER_PID" "$SHOWN_SERVER_PID"
  TERMINAL_PID[server]=$SERVER_PID
  TERMINAL_FD[server]=$fd # so that no client inherits it
  wait_for_line server '^listening on '
  PORT=$(sed -n '1s/.* port \([0-9]*\) (pid [0-9]*)$/\1/p' "$SCENE_TMP/server.out")
  mask "$PORT" "$SCENE_DEFAULT_PORT"
  new_lines server
}

# has_ended PID : PID is no longer running (and bash has reaped it).
has_ended() { ! kill -0 "$1" 2>/dev/null; }

exited() {
  local pid=${TERMINAL_PID[$1]} fd=${TERMINAL_FD[$1]:-} status=0
  if ! wait_until "$SCENE_DEADLINE_MS" has_ended "$pid"; then
    echo "scene: $1 did not exit" >&2
    exit 1
  fi
  wait "$pid" 2>/dev/null || status=$? # (no "Killed" message from bash)
  [[ -n $fd ]] && exec {fd}>&-
  unset "TERMINAL_FD[$1]"
  [[ $1 == server ]] && SERVER_PID=
  new_lines "$1"
  printf '[%s] (exit status %d)\n' "$1" "$status"
}
