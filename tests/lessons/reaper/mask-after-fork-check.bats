#!/usr/bin/env bats
# Check of exercise 4, second half (mask-after-fork.patch): SIGTERM during the
# parent's 5 s sleep after fork(), before the child is on the list: the
# server exits at once, and the child it did not know of serves on.

load ../../helpers

is_gone() { ! is_running "$1"; }

@test "kill -TERM P during the sleep: the newest child is left serving, an orphan" {
  start_server_under_subreaper reaper
  start_client talker reaper 127.0.0.1 "$SERVER_PORT"
  send_line talker "before"
  eventually file_has "$BATS_TEST_TMPDIR/talker.out" '^before$'
  child=$(sed -n 's/^child pid \([0-9]*\) .*/\1/p' "$SERVER_OUT")
  # The parent is asleep between fork() and remember_child() now.
  kill=$(handout_command 04-reaper.md mask-after-fork 'kill -TERM P') # the handout's
  handout_substitute kill ' P' " $SERVER_CHILD_PID"
  eval "$kill"
  eventually is_gone "$SERVER_CHILD_PID"
  # The handout's look at the child: still running, adopted by the subreaper.
  look=$(handout_command 04-reaper.md mask-after-fork 'ps -o pid,ppid,stat,cmd -p C')
  handout_substitute look ' -p C' " -p $child"
  run bash -c "$look"
  assert_line --index 1 --regexp "^ *$child +$SERVER_PID +S[^ ]* +"
  send_line talker "after"
  eventually file_has "$BATS_TEST_TMPDIR/talker.out" '^after$'
  end_input talker
  client_exits talker
  assert_equal "$CLIENT_STATUS" 0
  eventually is_gone "$SERVER_PID"
  status=0
  wait "$SERVER_PID" || status=$?
  SERVER_PID= # stopped already
  assert_equal "$status" 0
  assert file_has "$SERVER_ERR" "^subreaper: reaped adopted pid $child, exit status 0\$"
}
