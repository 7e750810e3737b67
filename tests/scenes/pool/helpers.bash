# helpers.bash - what the pool scenes add to tests/scenes/lib.bash. Sourced
# by each scene (tests/play runs only the *.sh files).
#
#   pool_ready N   wait until the server logged N worker starts, then show
#                  its lines not shown yet. (server shows what is there when
#                  "listening on" appears: some starts, or none, so wait for
#                  all of them here, whichever way the lines were split.)
#   mask_pids      show the workers' pids as 4001, 4002... in the order the
#                  server started them (lib.bash shows the server's as 4000),
#                  so a pid in a command (pgrep -P, kill) matches the log.
#   first_worker   the pid of the first worker the server started

NEXT_WORKER_PID=4001
declare -A MASKED_PID

pool_ready() {
  await "(( \$(grep -c '^worker pid [0-9]* started\$' \"\$SCENE_TMP/server.out\") >= $1 ))" "the server to start its $1 worker(s)"
  new_lines server
  mask_pids
}

mask_pids() {
  local pid
  while read -r pid; do
    [[ -z $pid || -n ${MASKED_PID[$pid]:-} ]] && continue
    mask "$pid" "$NEXT_WORKER_PID"
    MASKED_PID[$pid]=1
    NEXT_WORKER_PID=$((NEXT_WORKER_PID + 1))
  done <<<"$(sed -n 's/^worker pid \([0-9]*\) \(started\|replaces .*\)$/\1/p' "$SCENE_TMP/server.out")"
}

first_worker() { sed -n 's/^worker pid \([0-9]*\) started$/\1/p' "$SCENE_TMP/server.out" | head -n 1; }
