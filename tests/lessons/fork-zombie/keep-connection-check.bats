#!/usr/bin/env bats
# Check of exercise 2 (keep-connection.patch): the parent that keeps every
# connection holds one more descriptor per client, in /proc/P/fd.

load ../../helpers

CLIENT="$LABS/fork-zombie/client"

# fds_are N : the handout's count, "ls /proc/P/fd | wc -l", prints N.
fds_are() { (($(bash -c "$COUNT") == $1)); }

@test "ls /proc/P/fd grows by one with every client" {
  COUNT=$(handout_command 03-fork-zombie.md keep-connection 'ls /proc/P/fd')
  start_server_under_subreaper fork-zombie -q
  handout_substitute COUNT /P/ "/$SERVER_CHILD_PID/"
  before=$(bash -c "$COUNT")
  for i in 1 2 3; do
    run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"client $i"
    assert_output "client $i"
    eventually fds_are $((before + i))
  done
}
