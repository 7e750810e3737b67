#!/usr/bin/env bats
# Check of exercise 3's reference solution (reap-like-the-notes.patch):
# finished children stay zombies until the next client connects; then all
# are reaped, and that client's own child is the one zombie left.

load ../../helpers

CLIENT="$LABS/reaper/client"

zombies_are() { (($(zombie_children "$SERVER_CHILD_PID") == $1)); }
zombies_are_not() { ! zombies_are "$1"; }

@test "50 zombies stay while nobody connects; the next client reaps them, and leaves 1" {
  start_server_under_subreaper reaper -q
  run timeout 20 "$CLIENT" -c 50 127.0.0.1 "$SERVER_PORT"
  assert_success
  eventually zombies_are 50
  not_within 500 zombies_are_not 50
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"next"
  assert_output "next"
  eventually zombies_are 1
  # The stop handler reaps what is left: nothing for the subreaper to adopt.
  stop_server
  refute file_has "$SERVER_ERR" 'adopted'
}
