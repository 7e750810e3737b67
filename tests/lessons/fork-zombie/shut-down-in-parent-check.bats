#!/usr/bin/env bats
# Check of exercise 5 (shut-down-in-parent.patch): the parent's
# shutdown(SHUT_RDWR) ends the connection its child was to serve: the child
# sees end of file at once and exits, and the line typed afterwards gets no
# echo.

load ../../helpers

zombies_are() { (($(zombie_children "$SERVER_CHILD_PID") == $1)); }

@test "the child ends before anything is typed, and the client gets no echo" {
  start_server_under_subreaper fork-zombie
  start_client talker fork-zombie 127.0.0.1 "$SERVER_PORT"
  eventually zombies_are 1
  assert file_has "$SERVER_OUT" '^child pid [0-9]+: 127\.0\.0\.1 port [0-9]+ closed$'
  # The handout's look at the child C: ps -o stat= -p C shows it Z.
  child=$(sed -n 's/^child pid \([0-9]*\): .* closed$/\1/p' "$SERVER_OUT")
  look=$(handout_command 03-fork-zombie.md shut-down-in-parent 'ps -o stat= -p C')
  handout_substitute look ' -p C' " -p $child"
  run bash -c "$look"
  assert_output --regexp '^Z'
  send_line talker "hello"
  client_exits talker
  assert_equal "$CLIENT_STATUS" 1
  refute file_has "$BATS_TEST_TMPDIR/talker.out" '^hello$'
  run cat "$BATS_TEST_TMPDIR/talker.err"
  assert_output --regexp '^client: (the server closed the connection before replying in full|send: Broken pipe|receive: Connection reset by peer)$'
}
