#!/usr/bin/env bats
# Lesson: exercise 6
# Says: 100 connections held and closed leave 100 zombies, 100 more leave 200: the count grows with every client, without bound, while the server serves on

load ../../helpers

# zombies_are N : the server has N zombie children.
zombies_are() { (($(zombie_children "$SERVER_CHILD_PID") == $1)); }

@test "every connection adds a zombie, without bound" {
  start_server_under_subreaper fork-zombie
  for total in 100 200; do
    hold_connections 100 x
    release_connections
    eventually zombies_are "$total"
    rm "$BATS_TEST_TMPDIR/hold.in"
  done
  # Still serving: the limit is the machine's (ulimit -u, pid_max), not the
  # server's.
  run timeout "$DEADLINE" "$LABS/fork-zombie/client" 127.0.0.1 "$SERVER_PORT" <<<"still here"
  assert_success
  assert_output "still here"
  eventually zombies_are 201
}
