#!/usr/bin/env bats
# Check of exercise 4, first half (mask-kept.patch): with the signals blocked
# from before fork() until the child is on the list, a SIGTERM sent during
# the parent's 5 s sleep waits, then stops the server and that child.

load ../../helpers

@test "kill -TERM P during the sleep: the server stops its newest child too" {
  start_server_under_subreaper reaper
  start_client talker reaper 127.0.0.1 "$SERVER_PORT"
  send_line talker "before"
  eventually file_has "$BATS_TEST_TMPDIR/talker.out" '^before$'
  # The parent is asleep between fork() and remember_child() now.
  kill=$(handout_command 04-reaper.md mask-kept 'kill -TERM P') # the handout's
  handout_substitute kill ' P' " $SERVER_CHILD_PID"
  eval "$kill"
  # The server stops (after the sleep), and the subreaper with it: SIGTERM
  # to the subreaper now changes nothing, and stop_server checks the end.
  eventually not is_running "$SERVER_CHILD_PID"
  stop_server TERM
  refute file_has "$SERVER_ERR" 'adopted'
  send_line talker "after"
  client_exits talker
  assert_equal "$CLIENT_STATUS" 1
  refute file_has "$BATS_TEST_TMPDIR/talker.out" '^after$'
}
