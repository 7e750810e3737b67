#!/usr/bin/env bats
# Check of exercise 3 (keep-listener.patch): a child that kept the listening
# socket keeps the port taken after its parent is killed.

load ../../helpers

is_gone() { ! is_running "$1"; }

@test "after kill -9 of the parent, a new server on its port finds it in use" {
  # The handout's kill and the message it predicts, on this test's port.
  kill=$(handout_command 03-fork-zombie.md keep-listener 'kill -9 P')
  message=$(handout_command 03-fork-zombie.md keep-listener 'server: bind ')
  start_server_under_subreaper fork-zombie
  port=$SERVER_PORT
  handout_substitute kill ' P' " $SERVER_CHILD_PID"
  handout_substitute message ' 5100:' " $port:"
  hold_connections 1 hello # a client connected, and left connected
  eval "$kill"
  eventually is_gone "$SERVER_CHILD_PID"
  run timeout 20 "$LABS/fork-zombie/server" "$port"
  assert_failure 1
  assert_output "$message"
  # The client leaves; its child (adopted by the subreaper) ends, and the
  # subreaper exits with the status of the killed server (128 + 9).
  release_connections
  eventually is_gone "$SERVER_PID"
  status=0
  wait "$SERVER_PID" || status=$?
  SERVER_PID= # stopped already: teardown must not expect exit status 0
  assert_equal "$status" 137
}
