#!/usr/bin/env bats
# Lesson: exercise 5
# Says: client -t 3 against lab 1's iterative server: nothing until the first client leaves, then all three
#
# Exercise 5 of handouts/05-threads.md, on the labs as they are.

load ../../helpers

three_replies() { [[ $(count_lines "$BATS_TEST_TMPDIR/threads.out" '^\[thread [1-3]\] hi$') == 3 ]]; }
some_reply() { [[ -s $BATS_TEST_TMPDIR/threads.out ]]; }

@test "the threads of client -t 3 wait for the iterative server's first client to leave" {
  # The handout's commands: lab 1's server and client, then the threads.
  [[ $(handout_command 05-threads.md against-iterative '../tcp-echo/server') == ../tcp-echo/server ]]
  [[ $(handout_command 05-threads.md against-iterative '../tcp-echo/client') == ../tcp-echo/client ]]
  threads=$(handout_command 05-threads.md against-iterative "printf 'hi")
  start_server tcp-echo
  handout_substitute threads ./client "timeout 60 '$LABS/threads/client'"
  handout_substitute threads ' localhost 5090' " 127.0.0.1 $SERVER_PORT"
  start_client first tcp-echo 127.0.0.1 "$SERVER_PORT"
  send_line first "first"
  eventually file_has "$BATS_TEST_TMPDIR/first.out" '^first$'
  spawn /dev/null "$BATS_TEST_TMPDIR/threads.out" "$BATS_TEST_TMPDIR/threads.err" bash -c "$threads"
  threads=$SPAWNED_PID
  not_within 1000 some_reply
  end_input first
  client_exits first
  eventually three_replies
  wait "$threads"
}
