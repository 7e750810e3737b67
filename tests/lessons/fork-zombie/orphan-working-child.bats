#!/usr/bin/env bats
# Lesson: exercise 4
# Says: after kill -9 of the parent, a child still serving gets a new parent (here the suite's subreaper) and still echoes

load ../../helpers

is_gone() { ! is_running "$1"; }

parent_of() { ps -o ppid= -p "$1" | tr -d ' '; }

@test "a child whose parent was killed is adopted and still echoes" {
  start_server_under_subreaper fork-zombie
  start_client talker fork-zombie 127.0.0.1 "$SERVER_PORT"
  send_line talker "before"
  eventually file_has "$BATS_TEST_TMPDIR/talker.out" '^before$'
  child=$(sed -n 's/^child pid \([0-9]*\) .*/\1/p' "$SERVER_OUT")
  assert_equal "$(parent_of "$child")" "$SERVER_CHILD_PID"
  kill=$(handout_command 03-fork-zombie.md orphan-working-child 'kill -9 P')
  handout_substitute kill ' P' " $SERVER_CHILD_PID"
  eval "$kill"
  eventually is_gone "$SERVER_CHILD_PID"
  # Its new parent: PID 1 on most machines; here the subreaper the server
  # ran under, which asked to adopt orphans in PID 1's place.
  # The handout's look at the child: its PPID, and STAT still S (S+ in a
  # terminal's foreground).
  look=$(handout_command 03-fork-zombie.md orphan-working-child 'ps -o pid,ppid,stat,cmd -p C')
  handout_substitute look ' -p C' " -p $child"
  run bash -c "$look"
  assert_success
  assert_line --index 0 --regexp '^ *PID +PPID +STAT +CMD$'
  assert_line --index 1 --regexp "^ *$child +$SERVER_PID +S[^ ]* +"
  send_line talker "after"
  eventually file_has "$BATS_TEST_TMPDIR/talker.out" '^after$'
  end_input talker
  client_exits talker
  assert_equal "$CLIENT_STATUS" 0
  eventually is_gone "$SERVER_PID"
  status=0
  wait "$SERVER_PID" || status=$?
  SERVER_PID= # stopped already: teardown must not expect exit status 0
  assert_equal "$status" 137 # the subreaper reports its command's end: SIGKILL
  assert file_has "$SERVER_ERR" "^subreaper: reaped adopted pid $child, exit status 0\$"
}
