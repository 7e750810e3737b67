#!/usr/bin/env bats
# Exercise 1 of handouts/05-threads.md, on the lab without its lock calls,
# built with ThreadSanitizer: twenty client threads make the server report
# a data race on the shared counts.

load ../../helpers

@test "without the lock, ThreadSanitizer reports a data race on the counts" {
  client=$(handout_command 05-threads.md remove-the-lock 'seq 3 ') # the handout's
  start_server threads
  handout_substitute client ./client "timeout 60 '$LABS/threads/client'"
  run bash -c "$client 127.0.0.1 $SERVER_PORT"
  eventually file_has "$SERVER_ERR" '^WARNING: ThreadSanitizer: data race'
  assert file_has "$SERVER_ERR" "(clients_served|clients_active)"
  assert file_has "$SERVER_ERR" "#[0-9]+ client_(arrived|left) "
  # The report is the expected outcome here: stop the server ourselves
  # (teardown would fail on it), whether or not it already exited.
  kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}
