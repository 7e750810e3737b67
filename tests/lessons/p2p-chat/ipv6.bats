#!/usr/bin/env bats
# Lesson: exercise 5
# Says: ./server -b ::1, then ./client ::1: the server logs a peer from ::1
load ../../helpers

@test "a client of ::1 reaches a server bound to ::1, and the log shows the IPv6 address" {
  has_ipv6 || skip "this machine has no IPv6 loopback (::1)"
  start_server_with_fifo p2p-chat -b ::1
  assert file_has "$SERVER_OUT" '^listening on ::1 port [0-9]+ \(pid [0-9]+\)$'
  run timeout "$DEADLINE" "$LABS/p2p-chat/client" ::1 "$SERVER_PORT" <<<"over IPv6"
  assert_success
  eventually file_has "$SERVER_OUT" '^peer connected from ::1 port [0-9]+$'
  eventually file_has "$SERVER_OUT" '^peer: over IPv6$'
}
