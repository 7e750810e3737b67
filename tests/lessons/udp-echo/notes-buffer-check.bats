#!/usr/bin/env bats
# Check of exercise 4 (notes-buffer.patch): run on the changed server.
# (bats sets stderr_lines for run --separate-stderr)
# shellcheck disable=SC2154

load ../../helpers

@test "a 600-byte line: the server logs 512 bytes, the client a late reply of 512 bytes and no reply" {
  # The handout's command, with this test's client and port.
  cmd=$(handout_command 02-udp-echo.md notes-buffer 'head -c 600 ')
  start_server udp-echo
  handout_substitute cmd ./client "timeout $DEADLINE '$LABS/udp-echo/client' 127.0.0.1 $SERVER_PORT"
  run --separate-stderr bash -c "$cmd"
  assert_failure 1
  assert_output ""
  assert_equal "${stderr_lines[0]}" "client: ignoring a late reply of 512 bytes"
  assert_equal "${stderr_lines[1]}" "client: no reply within 1000 ms"
  eventually file_has "$SERVER_OUT" '^127\.0\.0\.1 port [0-9]+: 512 bytes$'
}
