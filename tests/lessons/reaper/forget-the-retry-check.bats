#!/usr/bin/env bats
# Check of exercise 2 (forget-the-retry.patch): without the retry, each child
# that ends while the parent waits in accept() makes the server log
# "server: accept: Interrupted system call"; it keeps serving.

load ../../helpers

CLIENT="$LABS/reaper/client"

@test "one client at a time: an accept error per child that ends, and the server serves on" {
  # The handout's client, run three times, one after the other.
  client=$(handout_command 04-reaper.md forget-the-retry "printf 'hi")
  start_server_under_subreaper reaper -q
  handout_substitute client ./client "timeout 20 '$CLIENT' 127.0.0.1 $SERVER_PORT"
  for _ in 1 2 3; do
    run bash -c "$client"
    assert_output "hi"
  done
  eventually file_has "$SERVER_ERR" '^server: accept: Interrupted system call$'
  # Nothing else on stderr: every line is that one.
  run grep -vc '^server: accept: Interrupted system call$' "$SERVER_ERR"
  assert_output 0
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still serving"
  assert_output "still serving"
}
