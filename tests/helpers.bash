# helpers.bash - what every tests/<lab>.bats loads.
#
# Servers: start_server LAB [OPTIONS...] runs labs/LAB/server OPTIONS 0 on a
# port the kernel chooses, in its own process group, with fd 3 closed (bats
# reads fd 3), and waits for its "listening on" line. It sets SERVER_PID,
# SERVER_PORT, SERVER_OUT and SERVER_ERR. stop_server sends SIGTERM and checks
# the server exits 0 and leaves no process of its group behind; teardown does
# it for any server a test left running, and kills whatever else it started.
#
# Clients fed line by line: start_client NAME LAB [ARGS...] runs
# labs/LAB/client ARGS with its stdin on a FIFO that the test holds open;
# send_line NAME TEXT writes to it, end_input NAME closes it (end of file).
# Their output goes to $BATS_TEST_TMPDIR/NAME.out and NAME.err. start_peer
# NAME ARGS... runs tests/tools/peer the same way; start_trickle_server starts
# its byte-at-a-time echo server.
#
# Waiting (the loop itself is tests/wait.bash's wait_until): eventually
# CMD... polls CMD until it succeeds (fails after $DEADLINE seconds);
# not_within MS CMD... checks that CMD stays false for MS milliseconds ("must
# not happen yet"), to be followed by a positive check. CMD is a command and
# its arguments, never a string for eval: `not CMD...` negates one
# (eventually not is_running "$pid"), and small predicates name the rest:
# count_is N FILE REGEX, prints TEXT CMD..., and those of /proc below.
#
# /proc: zombie_children PID, child_pids PID, thread_count PID, fd_count PID;
# and, to wait for: state_is PID STATE, wchan_is PID PATTERN, is_reaped PID,
# group_is_empty PGID.
#
# Data: every_byte [BYTE...] prints the bytes 0 to 255 in order, but for the
# BYTEs named (as decimal numbers).

# Variables set here are read by the test files; functions take optional
# arguments that not every caller passes.
# shellcheck disable=SC2034,SC2120,SC2119

# This file is read again before every test: what it runs at the top costs
# that much per test, so it starts no process (bash builtins only).

# absolute_path PATH VAR : VAR=PATH made absolute, without . and ..
# components (as cd and pwd would give it).
absolute_path() {
  local part parts kept=()
  [[ $1 == /* ]] || set -- "$PWD/$1" "$2"
  IFS=/ read -r -a parts <<<"$1"
  for part in "${parts[@]}"; do
    case $part in
    '' | .) ;;
    ..) ((${#kept[@]} > 0)) && unset 'kept[-1]' ;;
    *) kept+=("$part") ;;
    esac
  done
  printf -v "$2" '/%s' "${kept[@]}"
}

absolute_path "${BASH_SOURCE[0]%/*}" TESTS_DIR
ROOT=${TESTS_DIR%/*}
LABS=${LESSON_LABS:-$ROOT/labs} # tests/lessons/run points it at a changed copy
PEER="$TESTS_DIR/tools/peer"

# load_library NAME : what bats_load_library NAME does, at less cost. The
# load.bash of bats-support and bats-assert sources each of its src/ files
# through a $(dirname ...): a subshell each, 17 before every test. Measured
# (bats 1.13.0, on the 2 cores that run make check; medians of 11 runs): 10
# tests that only run true take 0.45 s of CPU (user + sys) without helpers,
# 0.71 s with them, 0.88 s with bats_load_library in place of load_library:
# 17 ms a test, and make check runs some 1,900 (the lessons run each lab's
# tests again), so about 30 s of CPU. To measure again: /usr/bin/time -f
# '%U %S' bats on such a file, with this file as it is and with the two
# load_library calls below changed to bats_load_library. Only a load.bash
# made of such source lines alone (and comments) is read here, its files
# sourced in its order; any other load.bash, a library that is a file, or
# none found: bats_load_library does it all.
load_library() {
  local dir line file files=() prefix='source "$(dirname "${BASH_SOURCE[0]}")/'
  local -a path
  IFS=: read -r -a path <<<"${BATS_LIB_PATH-/usr/lib/bats}"
  for dir in "${path[@]}"; do
    [[ -f $dir/$1 ]] && break # a file: bats loads it first
    [[ -f $dir/$1/load.bash ]] || continue
    while IFS= read -r line; do
      [[ -z $line || $line == '#'* ]] && continue
      # source "$(dirname "${BASH_SOURCE[0]}")/src/FILE.bash", and nothing else
      file=${line#"$prefix"}
      file=${file%\"}
      if [[ $line != "$prefix"* || $file != [a-z]*([a-z0-9_/.-]) ]]; then
        bats_load_library "$1"
        return
      fi
      files+=("$dir/$1/$file")
    done <"$dir/$1/load.bash"
    for file in "${files[@]}"; do
      # shellcheck disable=SC1090
      source "$file" || return 1
    done
    return 0
  done
  bats_load_library "$1"
}

bats_require_minimum_version 1.5.0
load_library bats-support
load_library bats-assert

# shellcheck source=tests/wait.bash
source "$TESTS_DIR/wait.bash"

DEADLINE=${DEADLINE:-10} # seconds any awaited condition may take
# Milliseconds between two looks at a condition (see tests/wait.bash): the
# first look comes soon, then the gaps grow to at most POLL_MAX_MS, so that a
# long wait does not spend the CPU the programs under test need.
POLL_FIRST_MS=5
POLL_MAX_MS=100

SERVER_WRAPPER=()
SPAWNED=()  # pids (and process group ids) of everything started in the background
HELD_FDS=() # FIFO descriptors this shell holds open for its clients
declare -gA CLIENT_FD CLIENT_PID

# eventually CMD... : poll CMD until it succeeds, or fail after $DEADLINE s.
eventually() {
  wait_until $((DEADLINE * 1000)) "$@" && return 0
  echo "gave up after ${DEADLINE}s waiting for: $*" >&2
  return 1
}

# not_within MS CMD... : CMD must stay false for MS milliseconds.
not_within() {
  wait_until "$1" "${@:2}" || return 0
  echo "happened too early: ${*:2}" >&2
  return 1
}

# every_byte [BYTE...] : see the top of this file. One printf, whose format
# holds an octal escape per byte (a NUL cannot sit in a shell variable).
every_byte() {
  local i escape format=''
  for ((i = 0; i < 256; i++)); do
    [[ " $* " == *" $i "* ]] && continue
    printf -v escape '\\%03o' "$i"
    format+=$escape
  done
  # shellcheck disable=SC2059 # the format is the bytes, on purpose
  printf "$format"
}

# is_running PID : alive and not a zombie. (Read with the shell's own read:
# tests ask this often, and a process started to ask is costly.)
is_running() {
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat=${stat##*) } # the command name may hold spaces and parentheses
  [[ ${stat%% *} != Z ]]
}

# proc_state PID : the one-letter state from /proc/PID/stat (R, S, Z...).
proc_state() {
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }
  echo "${stat%% *}"
}

# proc_table : "pid state ppid pgid" for every process, from /proc/*/stat.
proc_table() {
  # The command name (field 2) may hold spaces and parentheses: cut up to
  # its last ") " before splitting the rest.
  cat /proc/[0-9]*/stat 2>/dev/null | awk '{ pid = $1; sub(/.*\) /, ""); print pid, $1, $2, $3 }'
}

# child_pids PID [STATE] : the children of PID, optionally only in STATE.
child_pids() {
  proc_table | awk -v ppid="$1" -v state="${2:-}" '$3 == ppid && (state == "" || $2 == state) { print $1 }'
}

zombie_children() { child_pids "$1" Z | wc -l; }
thread_count() { ls "/proc/$1/task" | wc -l; }
fd_count() { ls "/proc/$1/fd" | wc -l; }

# group_members PGID : live processes of a process group (zombies left out).
group_members() {
  proc_table | awk -v pgid="$1" '$4 == pgid && $2 != "Z" { print $1 }'
}

# Predicates for eventually and not_within (each a command, no eval).
# state_is PID STATE : PID's one-letter state is STATE (T: stopped...), or
# matches it as a glob ([Tt]: stopped, or stopped by a tracer).
# shellcheck disable=SC2053 # STATE may be a glob, on purpose
state_is() { [[ $(proc_state "$1") == $2 ]]; }

# wchan_is PID PATTERN : PID sleeps in a kernel function matching the glob
# PATTERN (/proc/PID/wchan: *pipe_write is a write to a full pipe).
wchan_is() {
  local wchan=''
  { read -r wchan <"/proc/$1/wchan"; } 2>/dev/null # (no newline: read says no)
  # shellcheck disable=SC2053 # PATTERN is a glob, on purpose
  [[ $wchan == $2 ]]
}

# is_reaped PID : PID is gone from /proc: it exited and was reaped (a
# zombie is not running, but not reaped yet).
is_reaped() { [[ ! -e /proc/$1 ]]; }

# group_is_empty PGID : no live process is left in the process group.
group_is_empty() { [[ -z $(group_members "$1") ]]; }

# prints TEXT CMD... : CMD's output is TEXT (eventually prints 20 pgrep -c -P "$pid").
prints() { [[ $("${@:2}") == "$1" ]]; }

# spawn IN OUT ERR CMD... : start CMD in the background in a process group of
# its own, stdin from IN, fd 3 closed, and none of our FIFO writers inherited
# (a client holding another client's writer would never see end of file).
# OUT and ERR are emptied here, before the background shell opens them, which
# may be later (it waits for a writer when IN is a FIFO): a wait for a line
# in OUT must never find the line a command before it left there.
spawn() {
  local in=$1 out=$2 err=$3 fd
  shift 3
  [[ -p $out || $out == /dev/null ]] || : >"$out"
  [[ -p $err || $err == /dev/null ]] || : >"$err"
  (
    for fd in "${HELD_FDS[@]}"; do exec {fd}>&-; done
    exec setsid "$@" <"$in" >"$out" 2>"$err" 3>&-
  ) &
  SPAWNED_PID=$!
  SPAWNED+=("$SPAWNED_PID")
}

# start_server LAB [OPTIONS...] : see the top of this file. SERVER_STDIN may
# name a file or FIFO for the server's stdin (default /dev/null); the array
# SERVER_WRAPPER, a command to run the server under.
start_server() {
  local lab=$1
  shift
  SERVER_OUT="$BATS_TEST_TMPDIR/server.out"
  SERVER_ERR="$BATS_TEST_TMPDIR/server.err"
  # (spawn empties both first: a second server's wait below never sees the
  # first one's listening line.)
  spawn "${SERVER_STDIN:-/dev/null}" "$SERVER_OUT" "$SERVER_ERR" \
    "${SERVER_WRAPPER[@]}" "$LABS/$lab/server" "$@" 0
  SERVER_PID=$SPAWNED_PID
  SERVER_LINE=''
  wait_until $((DEADLINE * 1000)) listening_or_gone "$SERVER_PID" "$SERVER_OUT" || :
  if [[ $SERVER_LINE != 'listening on '* ]]; then
    echo "the $lab server did not start listening; its stderr:" >&2
    cat "$SERVER_ERR" >&2
    return 1
  fi
  [[ $SERVER_LINE =~ ^listening\ on\ .*\ port\ ([0-9]+)\ \(pid\ [0-9]+\)$ ]] || return 1
  SERVER_PORT=${BASH_REMATCH[1]}
  [[ $SERVER_PORT != 0 ]]
}

# listening_or_gone PID FILE : FILE's first line (SERVER_LINE) says
# "listening on", or PID is no longer running (no use waiting for it then).
listening_or_gone() {
  { read -r SERVER_LINE <"$2"; } 2>/dev/null && [[ $SERVER_LINE == 'listening on '* ]] ||
    ! is_running "$1"
}

# stop_server [SIGNAL] : stop the server (SIGTERM by default); it must exit 0
# and leave no process of its group behind. Sets SERVER_STATUS.
stop_server() {
  local signal=${1:-TERM} pid=$SERVER_PID
  SERVER_PID=
  [[ -n $pid ]] || return 0
  kill "-$signal" "$pid" 2>/dev/null || true # it may have exited on its own
  if ! eventually not is_running "$pid"; then
    kill -KILL -- "-$pid" 2>/dev/null
    echo "the server ignored SIG$signal" >&2
    return 1
  fi
  SERVER_STATUS=0
  wait "$pid" || SERVER_STATUS=$?
  if ! eventually group_is_empty "$pid"; then
    echo "processes left behind by the server: $(group_members "$pid")" >&2
    kill -KILL -- "-$pid" 2>/dev/null
    return 1
  fi
  no_sanitizer_reports "$SERVER_ERR" || return 1
  if ((SERVER_STATUS != 0)); then
    echo "the server exited with status $SERVER_STATUS after SIG$signal; its stderr:" >&2
    cat "$SERVER_ERR" >&2
    return 1
  fi
}

# no_sanitizer_reports FILE : fail if a sanitizer complained in FILE.
no_sanitizer_reports() {
  if grep -qE 'Sanitizer|runtime error:' "$1" 2>/dev/null; then
    echo "sanitizer report in $1:" >&2
    cat "$1" >&2
    return 1
  fi
}

# start_program NAME PROGRAM [ARGS...] : run PROGRAM in the background with
# its stdin on a FIFO the test holds (send_line NAME writes to it, end_input
# NAME closes it); its output goes to $BATS_TEST_TMPDIR/NAME.out and NAME.err;
# CLIENT_PID[NAME] is its pid, so client_exits NAME waits for it.
start_program() {
  local name=$1 fd
  shift
  mkfifo "$BATS_TEST_TMPDIR/$name.in"
  # Opened read-write so the open does not wait for a reader.
  exec {fd}<>"$BATS_TEST_TMPDIR/$name.in"
  HELD_FDS+=("$fd")
  CLIENT_FD[$name]=$fd
  spawn "$BATS_TEST_TMPDIR/$name.in" "$BATS_TEST_TMPDIR/$name.out" \
    "$BATS_TEST_TMPDIR/$name.err" "$@"
  CLIENT_PID[$name]=$SPAWNED_PID
}

# start_client NAME LAB [ARGS...] : see the top of this file.
start_client() {
  local name=$1 lab=$2
  shift 2
  start_program "$name" "$LABS/$lab/client" "$@"
}

# start_peer NAME ARGS... : tests/tools/peer ARGS, as start_program runs it.
start_peer() {
  local name=$1
  shift
  start_program "$name" "$PEER" "$@"
}

# start_trickle_server : tests/tools/peer trickle-echo, a server that echoes
# a byte at a time (one write per byte); sets TRICKLE_PORT. Teardown kills it.
start_trickle_server() {
  start_peer trickle trickle-echo
  eventually file_has "$BATS_TEST_TMPDIR/trickle.out" '^listening on .* port [0-9]+ \(pid [0-9]+\)$'
  TRICKLE_PORT=$(sed -n '1s/^listening on .* port \([0-9]*\) (pid [0-9]*)$/\1/p' "$BATS_TEST_TMPDIR/trickle.out")
  [[ -n $TRICKLE_PORT ]]
}

send_line() { printf '%s\n' "$2" >&"${CLIENT_FD[$1]}"; }

end_input() {
  local fd=${CLIENT_FD[$1]}
  exec {fd}>&-
}

# client_output NAME : what client NAME printed so far.
client_output() { cat "$BATS_TEST_TMPDIR/$1.out"; }

# client_exits NAME : wait for client NAME to exit; sets CLIENT_STATUS.
client_exits() {
  local pid=${CLIENT_PID[$1]}
  eventually not is_running "$pid" || return 1
  CLIENT_STATUS=0
  wait "$pid" || CLIENT_STATUS=$?
  no_sanitizer_reports "$BATS_TEST_TMPDIR/$1.err"
}

# file_has FILE REGEX : FILE has a line matching the extended REGEX.
file_has() { grep -qE -- "$2" "$1" 2>/dev/null; }

# count_lines FILE REGEX : how many lines of FILE match.
count_lines() { grep -cE -- "$2" "$1" 2>/dev/null || true; }

# count_is N FILE REGEX : exactly N lines of FILE match.
count_is() { (($(count_lines "$2" "$3") == $1)); }

# handout_command HANDOUT LESSON PREFIX : the first `code` span that starts
# with PREFIX in the exercise of handouts/HANDOUT marked <!-- lesson: LESSON
# -->, so that a lesson runs the very command the handout tells students to
# type. Fails, saying so, when there is none.
handout_command() {
  local command
  command=$(awk -v marker="<!-- lesson: $2 -->" '
    /^[0-9]+\. / || /^#/ { if (found) exit; item = "" }
    { line = $0; sub(/^ +/, "", line); item = item " " line }
    index($0, marker) { found = 1 }
    END { if (found) print item }' "$ROOT/handouts/$1" |
    grep -o '`[^`]*`' | sed 's/^`//; s/`$//' | awk -v prefix="$3" 'index($0, prefix) == 1 { print; exit }')
  if [[ -z $command ]]; then
    echo "handouts/$1 has no command starting with '$3' in the exercise of lesson $2" >&2
    return 1
  fi
  printf '%s\n' "$command"
}

# has_ipv6 : the loopback address ::1 exists.
has_ipv6() { grep -qs '^0\{31\}1 ' /proc/net/if_inet6; }

# Every test has a deadline of its own, TEST_DEADLINE seconds (10 x DEADLINE
# by default): past it, the watchdog that setup starts kills every process
# the test started, so a program that never ends (a broken lab's client
# waiting for a reply that never comes) fails its test instead of hanging
# make check; teardown then says which test it was.
TEST_DEADLINE=${TEST_DEADLINE:-$((DEADLINE * 10))}

setup() { start_watchdog; }

# start_watchdog : see above. The watchdog waits with read -t on a FIFO
# (no process); teardown stops it.
start_watchdog() {
  local shell=$BASHPID
  WATCHDOG_FIRED=$BATS_TEST_TMPDIR/.watchdog-fired
  mkfifo "$BATS_TEST_TMPDIR/.watchdog" 2>/dev/null || return 0
  (
    exec {fd}<>"$BATS_TEST_TMPDIR/.watchdog"
    read -r -t "$TEST_DEADLINE" -u "$fd" _ && exit 0
    : >"$WATCHDOG_FIRED"
    kill_descendants "$shell" "$BASHPID"
  ) 3>&- &
  WATCHDOG_PID=$!
}

# kill_descendants PID EXCEPT : SIGKILL every descendant of PID (and its
# process group, for those that lead one), but EXCEPT and its descendants.
kill_descendants() {
  local pid
  for pid in $(proc_table | awk -v top="$1" -v except="$2" '
    { parent[$1] = $3; pgid[$1] = $4 }
    END {
      for (p in parent) {
        for (q = p; q != "" && q != 0 && q != 1; q = parent[q]) {
          if (q == except) break
          if (parent[q] == top) { print (pgid[p] == p ? "-" p : p); break }
        }
      }
    }'); do
    kill -KILL -- "$pid" 2>/dev/null
  done
}

# stop_watchdog : stop the watchdog; fail, saying so, if it fired.
stop_watchdog() {
  [[ -n ${WATCHDOG_PID:-} ]] || return 0
  kill "$WATCHDOG_PID" 2>/dev/null
  { wait "$WATCHDOG_PID"; } 2>/dev/null
  WATCHDOG_PID=
  if [[ -e $WATCHDOG_FIRED ]]; then
    echo "this test ran past its deadline of $TEST_DEADLINE s (TEST_DEADLINE): every program it started was killed" >&2
    return 1
  fi
}

# localhost_ipv6_first CMD... : run CMD where the name localhost is ::1 first
# and 127.0.0.1 second, as Debian's, Ubuntu's, Fedora's and macOS's
# /etc/hosts have it: here if this machine's already does, otherwise in a
# mount namespace of its own with such a file over /etc/hosts (unshare; as
# root, or in a user namespace). Where neither can be had, and where there is
# no ::1, CMD runs as it is (localhost is then 127.0.0.1 alone).
localhost_ipv6_first() {
  local ns=(unshare --mount)
  ((EUID == 0)) || ns=(unshare --user --map-root-user --mount)
  if ! has_ipv6 || [[ $(getent ahosts localhost 2>/dev/null) == ::1* ]] ||
    ! "${ns[@]}" true 2>/dev/null; then
    "$@"
    return
  fi
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$BATS_TEST_TMPDIR/hosts"
  # shellcheck disable=SC2016 # expanded by sh
  "${ns[@]}" sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$BATS_TEST_TMPDIR/hosts" "$@"
}

teardown() {
  local status=0 pid
  stop_watchdog || status=1
  stop_server || status=1
  for pid in "${SPAWNED[@]}"; do
    # Its group; or the shell itself, when it has not reached setsid (it may
    # wait for ever to open a FIFO whose writer is gone).
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    { wait "$pid"; } 2>/dev/null # reap it quietly (no "Killed" message)
  done
  return "$status"
}

# first_line_names_server : the server's first line is "listening on 127.0.0.1
# port N (pid P)" with its real port N and its own pid P (under a subreaper,
# the server's, not the subreaper's).
first_line_names_server() {
  local pid=${SERVER_CHILD_PID:-$SERVER_PID}
  run head -n 1 "$SERVER_OUT"
  assert_output "listening on 127.0.0.1 port $SERVER_PORT (pid $pid)"
}

# fork-zombie, reaper: start_server_under_subreaper LAB [OPTIONS...] is
# start_server with the server run by tests/tools/subreaper -v. On these
# machines PID 1 does not reap the zombies it adopts; the subreaper does, for
# whatever the server leaves orphaned when it exits, and reports each one on
# the server's stderr ("subreaper: reaped adopted pid N, exit status S").
# SERVER_PID is the subreaper's pid (stop_server signals it and it passes the
# signal on to the server); SERVER_CHILD_PID is the server's own pid.
start_server_under_subreaper() {
  local SERVER_WRAPPER=("$TESTS_DIR/tools/subreaper" -v)
  start_server "$@" || return 1
  SERVER_CHILD_PID=$(child_pids "$SERVER_PID")
  [[ $SERVER_CHILD_PID =~ ^[0-9]+$ ]]
}

# fork-zombie, reaper: hold_connections N [LINE] runs tests/tools/peer hold,
# which opens N connections to the server (sending LINE on each and checking
# its echo), and waits until they are all open. release_connections closes
# them all at the same moment and waits for peer to exit.
hold_connections() {
  mkfifo "$BATS_TEST_TMPDIR/hold.in"
  exec {HOLD_FD}<>"$BATS_TEST_TMPDIR/hold.in"
  HELD_FDS+=("$HOLD_FD")
  spawn "$BATS_TEST_TMPDIR/hold.in" "$BATS_TEST_TMPDIR/hold.out" "$BATS_TEST_TMPDIR/hold.err" \
    "$PEER" hold 127.0.0.1 "$SERVER_PORT" "$@"
  HOLD_PID=$SPAWNED_PID
  eventually file_has "$BATS_TEST_TMPDIR/hold.out" "^holding $1\$"
}

release_connections() {
  exec {HOLD_FD}>&-
  eventually not is_running "$HOLD_PID"
  wait "$HOLD_PID" 2>/dev/null || true
}

# --- p2p-chat: a server whose stdin the test types into ---
# start_server_with_fifo LAB [OPTIONS...] : start_server with its stdin on a
# FIFO that the test holds open, listed in HELD_FDS so that no client (nor
# the server itself) inherits the writer. server_types TEXT writes a line to
# it; server_input_ends closes it (end of file for the server).
start_server_with_fifo() {
  local fd
  mkfifo "$BATS_TEST_TMPDIR/server.in"
  exec {fd}<>"$BATS_TEST_TMPDIR/server.in" # read-write: the open does not block
  HELD_FDS+=("$fd")
  SERVER_IN_FD=$fd
  SERVER_STDIN="$BATS_TEST_TMPDIR/server.in" start_server "$@"
}

server_types() { printf '%s\n' "$1" >&"$SERVER_IN_FD"; }

server_input_ends() {
  local fd=$SERVER_IN_FD
  exec {fd}>&-
}

# --- The handouts' commands, as the student types them ---
# handout_substitute VAR FROM TO : in the variable VAR (a command from
# handout_command), replace every FROM by TO: the student's ./client, default
# port or pid P by this test's. Fails, saying so, when VAR holds no FROM: the
# handout's command changed, and the lesson must follow it.
handout_substitute() {
  local -n _handout_command=$1
  if [[ $_handout_command != *"$2"* ]]; then
    echo "the handout's command '$_handout_command' no longer holds '$2'" >&2
    return 1
  fi
  _handout_command=${_handout_command//"$2"/"$3"}
}
