#!/usr/bin/env bats
# Check of exercise 2 (forget-the-retry.patch): without the retry, each child
# that ends while the parent waits in accept() makes the server log
# "server: accept: Interrupted system call"; it keeps serving.

load ../../helpers

CLIENT="$LABS/reaper/client"

@test "one client at a time: an accept error per child that ends, and the server serves on" {
  start_server_under_subreaper reaper -q
  for i in 1 2 3; do
    run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"client $i"
    assert_output "client $i"
  done
  eventually file_has "$SERVER_ERR" '^server: accept: Interrupted system call$'
  # Nothing else on stderr: every line is that one.
  run grep -vc '^server: accept: Interrupted system call$' "$SERVER_ERR"
  assert_output 0
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still serving"
  assert_output "still serving"
}
