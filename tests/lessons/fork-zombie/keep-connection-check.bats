#!/usr/bin/env bats
# Check of exercise 2 (keep-connection.patch): the parent that keeps every
# connection holds one more descriptor per client, in /proc/P/fd.

load ../../helpers

CLIENT="$LABS/fork-zombie/client"

fds_are() { (($(fd_count "$SERVER_CHILD_PID") == $1)); }

@test "ls /proc/P/fd grows by one with every client" {
  start_server_under_subreaper fork-zombie -q
  before=$(fd_count "$SERVER_CHILD_PID")
  for i in 1 2 3; do
    run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"client $i"
    assert_output "client $i"
    eventually fds_are $((before + i))
  done
}
