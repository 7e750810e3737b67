#!/usr/bin/env bats
# Lesson: exercise 6
# Says: a client that sends a byte every 0.2 s (peer trickle) holds the iterative server: a second client gets no echo until the trickler leaves

load ../../helpers

@test "a trickling client holds the iterative server; the next client waits until it leaves" {
  start_server tcp-echo
  start_peer trickler trickle 127.0.0.1 "$SERVER_PORT" 200
  eventually file_has "$BATS_TEST_TMPDIR/trickler.out" '^trickling$'
  eventually file_has "$SERVER_OUT" '^connection from '
  start_client B tcp-echo 127.0.0.1 "$SERVER_PORT"
  send_line B "anyone home?"
  # Connected (the kernel queued it), but not served: the server is busy
  # echoing a byte now and then to the trickler.
  not_within 2000 file_has "$BATS_TEST_TMPDIR/B.out" '^anyone home\?$'
  assert_equal "$(count_lines "$SERVER_OUT" '^connection from ')" 1
  end_input trickler
  eventually file_has "$BATS_TEST_TMPDIR/trickler.out" '^sent [0-9]+ bytes$'
  eventually file_has "$BATS_TEST_TMPDIR/B.out" '^anyone home\?$'
}
