# helpers.bash - what the pool scenes add to tests/scenes/lib.bash. Sourced
# by each scene (tests/play runs only the *.sh files).
#
#   pool_ready N   wait until the server logged N worker starts, then show
#                  its lines not shown yet. (server shows what is there when
#                  "listening on" appears: some starts, or none, so wait for
#                  all of them here, whichever way the lines were split.)
#   pool_server [ARGS]     server [ARGS], and
#   terminal NAME [ARGS]   client NAME [ARGS], with the output file created
#                  first: lib.bash's wait_for_line may look at it before the
#                  background program's redirection has created it, and
#                  tail's complaint would land in the transcript
#   mask_pids      show the server's pid as 4000 and its workers' pids as
#                  4001, 4002... in the order the server started them, so a
#                  pid in a command (pgrep -P, kill) matches the log.

NEXT_WORKER_PID=4001
declare -A MASKED_PID

pool_ready() {
  await "(( \$(grep -c '^worker pid [0-9]* started\$' \"\$SCENE_TMP/server.out\") >= $1 ))"
  new_lines server
  mask_pids
}

mask_pids() {
  local pid
  if [[ -z ${MASKED_PID[$SERVER_PID]:-} ]]; then
    mask "$SERVER_PID" 4000
    MASKED_PID[$SERVER_PID]=1
  fi
  while read -r pid; do
    [[ -n ${MASKED_PID[$pid]:-} ]] && continue
    mask "$pid" "$NEXT_WORKER_PID"
    MASKED_PID[$pid]=1
    NEXT_WORKER_PID=$((NEXT_WORKER_PID + 1))
  done < <(sed -n 's/^worker pid \([0-9]*\) \(started\|replaces .*\)$/\1/p' "$SCENE_TMP/server.out")
}

pool_server() {
  : >"$SCENE_TMP/server.out"
  server "$@"
}

terminal() {
  : >"$SCENE_TMP/$1.out"
  client "$@"
}

# first_worker : the pid of the first worker the server started.
first_worker() { sed -n 's/^worker pid \([0-9]*\) started$/\1/p' "$SCENE_TMP/server.out" | head -n 1; }
