#!/usr/bin/env bats
# Lesson: exercise 1
# Says: a 3,000,000-byte line comes back whole, though no single read could hold it

load ../../helpers

@test "head -c 3000000 /dev/zero | tr '\\0' x | ./client | wc -c prints 3000000" {
  # The handout's own command, with this test's client, server and deadline.
  cmd=$(handout_command 01-tcp-echo.md big-line 'head -c 3000000')
  start_server tcp-echo
  handout_substitute cmd ./client "timeout $DEADLINE '$LABS/tcp-echo/client' 127.0.0.1 $SERVER_PORT"
  run bash -c "$cmd"
  assert_success
  assert_output 3000000
}
