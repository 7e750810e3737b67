#!/usr/bin/env bats
# Lesson: exercise 3
# Says: with the child's close(listener) in place, a new server binds the port at once after kill -9 of the old one, though a child still serves

load ../../helpers

is_gone() { ! is_running "$1"; }

@test "after kill -9 of the parent, a new server starts at once on its port" {
  start_server_under_subreaper fork-zombie
  port=$SERVER_PORT
  old=$SERVER_PID
  hold_connections 1 hello
  kill=$(handout_command 03-fork-zombie.md keep-listener 'kill -9 P') # the handout's
  handout_substitute kill ' P' " $SERVER_CHILD_PID"
  eval "$kill"
  eventually is_gone "$SERVER_CHILD_PID"
  # The old child still serves its client, and the port is free: SO_REUSEADDR
  # lets a listener bind beside the connection the child holds.
  spawn /dev/null "$BATS_TEST_TMPDIR/new.out" "$BATS_TEST_TMPDIR/new.err" \
    "$LABS/fork-zombie/server" "$port"
  new=$SPAWNED_PID
  eventually file_has "$BATS_TEST_TMPDIR/new.out" "^listening on 127\\.0\\.0\\.1 port $port \\(pid $new\\)\$"
  kill -TERM "$new"
  status=0
  wait "$new" || status=$?
  assert_equal "$status" 0
  SERVER_PID= # the old one is stopped below, by hand
  release_connections
  eventually is_gone "$old"
  status=0
  wait "$old" || status=$?
  assert_equal "$status" 137
}
