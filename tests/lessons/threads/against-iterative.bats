#!/usr/bin/env bats
# Lesson: exercise 5
# Says: client -t 3 against lab 1's iterative server: nothing until the first client leaves, then all three
#
# Exercise 5 of handouts/05-threads.md, on the labs as they are.

load ../../helpers

three_replies() { [[ $(count_lines "$BATS_TEST_TMPDIR/threads.out" '^\[thread [1-3]\] hi$') == 3 ]]; }
some_reply() { [[ -s $BATS_TEST_TMPDIR/threads.out ]]; }

@test "the threads of client -t 3 wait for the iterative server's first client to leave" {
  start_server tcp-echo
  start_client first tcp-echo 127.0.0.1 "$SERVER_PORT"
  send_line first "first"
  eventually file_has "$BATS_TEST_TMPDIR/first.out" '^first$'
  spawn <(printf 'hi\n') "$BATS_TEST_TMPDIR/threads.out" "$BATS_TEST_TMPDIR/threads.err" \
    timeout 60 "$LABS/threads/client" -t 3 127.0.0.1 "$SERVER_PORT"
  threads=$SPAWNED_PID
  not_within 1000 some_reply
  end_input first
  client_exits first
  eventually three_replies
  wait "$threads"
}
