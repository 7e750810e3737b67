#!/usr/bin/env bats
# Lesson: exercise 5
# Says: Enter in the server's terminal: this lab's client says so at once, lab 1's client notices nothing until it types
#
# Exercise 5 of handouts/06-select.md, on the labs as they are.

load ../../helpers

@test "the select client notices the server's end at once, lab 1's client only when it types" {
  start_server_with_fifo select
  start_client blocking tcp-echo 127.0.0.1 "$SERVER_PORT"
  start_client watching select 127.0.0.1 "$SERVER_PORT"
  send_line blocking "one"
  send_line watching "two"
  eventually file_has "$BATS_TEST_TMPDIR/blocking.out" '^one$'
  eventually file_has "$BATS_TEST_TMPDIR/watching.out" '^two$'
  server_types "" # Enter
  client_exits watching
  assert_equal "$CLIENT_STATUS" 1
  assert file_has "$BATS_TEST_TMPDIR/watching.err" '^client: the server closed the connection$'
  # Lab 1's client sits in getline(): it says nothing and stays.
  assert is_running "${CLIENT_PID[blocking]}"
  refute file_has "$BATS_TEST_TMPDIR/blocking.err" .
  send_line blocking "too late"
  client_exits blocking
  assert_equal "$CLIENT_STATUS" 1
}
