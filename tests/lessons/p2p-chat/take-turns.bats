#!/usr/bin/env bats
# Exercise 3, by hand: with turns, the client's second line waits for an
# answer, and a line from the server waits until the client's user types.
load ../../helpers

@test "taking turns: the client's second line goes out only after the server answers" {
  start_server_with_fifo p2p-chat
  start_client alice p2p-chat 127.0.0.1 "$SERVER_PORT"
  eventually file_has "$SERVER_OUT" '^peer connected'
  send_line alice "one"
  eventually file_has "$SERVER_OUT" '^peer: one$'
  # Typed only now: typed together, both lines could reach the client in one
  # read() and go out together, turns or not.
  send_line alice "two"
  not_within 500 file_has "$SERVER_OUT" '^peer: two$'
  server_types "answer"
  eventually file_has "$BATS_TEST_TMPDIR/alice.out" '^peer: answer$'
  eventually file_has "$SERVER_OUT" '^peer: two$'
}

@test "taking turns: a line from the server waits until the client's user types" {
  start_server_with_fifo p2p-chat
  start_client alice p2p-chat 127.0.0.1 "$SERVER_PORT"
  eventually file_has "$SERVER_OUT" '^peer connected'
  server_types "you first?"
  not_within 500 file_has "$BATS_TEST_TMPDIR/alice.out" 'you first'
  send_line alice "me"
  eventually file_has "$BATS_TEST_TMPDIR/alice.out" '^peer: you first\?$'
}
