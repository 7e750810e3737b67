# subreaper.bash - sourced by the fork-zombie scenes (not a scene itself).
#
# This server's zombies outlive it. On a student's machine PID 1 (or the
# desktop's user manager) adopts and reaps them; on the machines that run
# make check, PID 1 reaps nothing, so every make demo would leave zombies
# behind for good. These two functions replace lib.bash's server and stop:
# the same output, but the server runs under tests/tools/subreaper, which
# reaps what the server leaves. SERVER_PID is still the server itself.

# shellcheck disable=SC2120 # scenes call it with and without arguments
server() {
  printf '[server]$ ./server%s\n' "${*:+ $*}"
  : >"$SCENE_TMP/server.out" # exists before wait_for_line reads it
  "$ROOT/tests/tools/subreaper" ./server "$@" 0 >"$SCENE_TMP/server.out" 2>&1 </dev/null &
  SUBREAPER_PID=$!
  wait_for_line server '^listening on '
  SERVER_PID=$(pgrep -P "$SUBREAPER_PID")
  mask "$SERVER_PID" "$SHOWN_SERVER_PID"
  PORT=$(sed -n '1s/.* port \([0-9]*\)$/\1/p' "$SCENE_TMP/server.out")
  mask "$PORT" "$SCENE_DEFAULT_PORT"
  new_lines server
}

stop() {
  local status=0
  printf '[server] ^C\n'
  kill -INT "$SERVER_PID"
  wait "$SUBREAPER_PID" || status=$? # the server's own exit status
  new_lines server
  printf '[server] (exit status %d)\n' "$status"
  SERVER_PID=
}

# mask_children : show the server's children, in the order its log names
# them, as pids 4001, 4002... (ps prints pids without the word "pid").
mask_children() {
  local pid shown=4001
  # (A here-string, not <(...): the scene must wait for every process it
  # starts, or it leaves an orphan.)
  while read -r pid; do
    [[ -n $pid ]] || continue
    mask "$pid" "$shown"
    shown=$((shown + 1))
  done <<<"$(sed -n 's/^child pid \([0-9]*\) .*/\1/p' "$SCENE_TMP/server.out")"
}
