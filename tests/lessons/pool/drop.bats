#!/usr/bin/env bats
# Exercise 3, by hand: the third client of -m thread -n 2 is cut off.
load ../../helpers

@test "dropping: with two busy workers, a third client's connection is closed instead of served" {
  start_server pool -m thread -n 2
  for name in a b; do
    start_client "$name" pool 127.0.0.1 "$SERVER_PORT"
    send_line "$name" "hi $name"
    eventually file_has "$BATS_TEST_TMPDIR/$name.out" "^HI ${name^^}\$"
  done
  run timeout "$DEADLINE" "$LABS/pool/client" 127.0.0.1 "$SERVER_PORT" <<<"third"
  assert_failure 1
  assert_output --regexp 'client: (the server closed the connection before replying in full|send: Broken pipe|receive: Connection reset by peer)'
}
