#!/usr/bin/env bats
# Lesson: exercise 5
# Says: ./server -b ::1 and ./client ::1: the server logs connection from ::1

load ../../helpers

@test "the server bound to ::1 logs a connection from ::1" {
  has_ipv6 || skip "this machine has no IPv6 loopback (::1)"
  start_server tcp-echo -b ::1
  run timeout "$DEADLINE" "$LABS/tcp-echo/client" ::1 "$SERVER_PORT" <<<"over IPv6"
  assert_output "over IPv6"
  eventually file_has "$SERVER_OUT" '^connection from ::1 port [0-9]+$'
}
