#!/usr/bin/env bats
# Solution 1 of the bench: worker threads that accept still serve at most N.
load ../../helpers

@test "thread mode with workers that accept: with -n 2 a third client waits until one leaves" {
  start_server pool -m thread -n 2
  for name in a b; do
    start_client "$name" pool 127.0.0.1 "$SERVER_PORT"
    send_line "$name" "hi $name"
    eventually file_has "$BATS_TEST_TMPDIR/$name.out" "^HI ${name^^}\$"
  done
  start_client c pool 127.0.0.1 "$SERVER_PORT"
  send_line c third
  not_within 500 file_has "$BATS_TEST_TMPDIR/c.out" THIRD
  end_input a
  eventually file_has "$BATS_TEST_TMPDIR/c.out" '^THIRD$'
  refute file_has "$SERVER_OUT" '^no free worker'
}
