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
#                     stderr); $PORT in COMMAND is the server's port
#   server_log REGEX  wait until the server printed a line matching REGEX,
#                     then show its new lines (stdout and stderr), each
#                     marked [server]
#   mask REAL SHOWN   in handouts, show the word REAL (a pid, say) as SHOWN
#   stop              press Ctrl-C in the server's terminal (SIGINT), wait for
#                     it to exit and show its exit status
#
# SCENE_MODE (demo, check or update) and SCENE_DEFAULT_PORT are set by
# tests/play; SCENE_MASKS receives "real shown" pairs for the normaliser (mask).

SCENE_DEADLINE_MS=10000
SCENE_POLL=0.02
SERVER_SHOWN_LINES=0
SERVER_PID=
PORT=

scene_now_ms() {
  local t=${EPOCHREALTIME/[.,]/}
  echo $((t / 1000))
}

say() {
  [[ $SCENE_MODE == demo ]] && printf '  \033[1m# %s\033[0m\n' "$*"
  return 0
}

# The command as the handout shows it: the default port instead of the real.
shown() {
  local text=$1
  if [[ $SCENE_MODE != demo ]]; then
    text=${text//\$PORT/$SCENE_DEFAULT_PORT}
  else
    text=${text//\$PORT/$PORT}
  fi
  printf '%s' "$text"
}

show() {
  printf '$ %s\n' "$(shown "$1")"
  eval "$1" 2>&1
}

# Print the server's lines that were not shown yet, marked [server].
server_lines() {
  local out=$SCENE_TMP/server.out
  tail -n "+$((SERVER_SHOWN_LINES + 1))" "$out" | sed 's/^/[server] /'
  SERVER_SHOWN_LINES=$(wc -l <"$out")
}

wait_for_server_line() {
  local end=$(($(scene_now_ms) + SCENE_DEADLINE_MS))
  until tail -n "+$((SERVER_SHOWN_LINES + 1))" "$SCENE_TMP/server.out" | grep -qE -- "$1"; do
    if (($(scene_now_ms) > end)); then
      echo "scene: the server never printed a line matching '$1'; it printed:" >&2
      cat "$SCENE_TMP/server.out" >&2
      return 1
    fi
    sleep "$SCENE_POLL"
  done
}

mask() {
  echo "$1 $2" >>"$SCENE_MASKS"
}

server() {
  printf '[server]$ ./server%s\n' "${*:+ $*}"
  ./server "$@" 0 >"$SCENE_TMP/server.out" 2>&1 </dev/null &
  SERVER_PID=$!
  wait_for_server_line '^listening on ' || return 1
  PORT=$(sed -n '1s/.* port \([0-9]*\)$/\1/p' "$SCENE_TMP/server.out")
  mask "$PORT" "$SCENE_DEFAULT_PORT"
  server_lines
}

server_log() {
  wait_for_server_line "$1" && server_lines
}

stop() {
  local status=0
  printf '[server] ^C\n'
  kill -INT "$SERVER_PID"
  wait "$SERVER_PID" || status=$?
  server_lines
  printf '[server] (exit status %d)\n' "$status"
  SERVER_PID=
}

# If a scene fails half way, leave no server running.
scene_cleanup() {
  [[ -n $SERVER_PID ]] && kill -KILL "$SERVER_PID" 2>/dev/null
  return 0
}
trap scene_cleanup EXIT
