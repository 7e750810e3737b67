#!/usr/bin/env bats
# Lesson: exercise 6
# Says: a client that sends a byte every 0.2 s (peer trickle) holds the iterative server: a second client gets no echo until the trickler leaves

load ../../helpers

@test "a trickling client holds the iterative server; the next client waits until it leaves" {
  # The handout's trickler, from labs/tcp-echo, on this test's port.
  trickle=$(handout_command 01-tcp-echo.md trickler '../../tests/tools/peer trickle')
  start_server tcp-echo
  handout_substitute trickle ' 5090 ' " $SERVER_PORT "
  read -r -a words <<<"$trickle"
  [[ $ROOT/labs/tcp-echo/${words[0]} -ef $PEER ]] # the path is right from labs/tcp-echo
  start_peer trickler "${words[@]:1}"
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
