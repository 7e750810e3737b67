#!/usr/bin/env bats
# Lesson: exercise 4
# Says: kill -KILL of the supervisor: every idle worker says the server is gone and leaves, and the port is free
load ../../helpers

@test "after kill -KILL of the parent each idle worker leaves at once and a new server can take the port" {
  # The handout's server, kill and pgrep, with P the server's pid.
  server=$(handout_command 08-pool.md kill-parent './server ')
  kill=$(handout_command 08-pool.md kill-parent 'kill -KILL P')
  pgrep=$(handout_command 08-pool.md kill-parent 'pgrep -P P')
  read -r -a words <<<"$server"
  start_server_under_subreaper pool "${words[@]:1}"
  handout_substitute kill ' P' " $SERVER_CHILD_PID"
  handout_substitute pgrep ' P' " $SERVER_CHILD_PID"
  eventually prints 2 bash -c "$pgrep | wc -l"
  workers=$(bash -c "$pgrep")
  eval "$kill"
  for worker in $workers; do
    eventually file_has "$SERVER_OUT" "^worker pid $worker: the server is gone, leaving\$"
    eventually not is_running "$worker"
  done
  run bash -c "$pgrep" # lists nothing
  assert_output ""
  pid=$SERVER_PID # the subreaper: it exits once the orphans are gone
  SERVER_PID=
  eventually not is_running "$pid"
  wait "$pid" || true
  spawn /dev/null "$BATS_TEST_TMPDIR/second.out" "$BATS_TEST_TMPDIR/second.err" \
    "$LABS/pool/server" -n 1 "$SERVER_PORT"
  second=$SPAWNED_PID
  eventually file_has "$BATS_TEST_TMPDIR/second.out" "^listening on 127\.0\.0\.1 port $SERVER_PORT "
  kill -TERM "$second"
  wait "$second"
}
