#!/usr/bin/env bats
# Lesson: exercise 5
# Says: ./server -b ::1 and ./client ::1: the server logs connection from ::1

load ../../helpers

@test "the server bound to ::1 logs a connection from ::1" {
  has_ipv6 || skip "this machine has no IPv6 loopback (::1)"
  # The handout's two commands, on this test's port.
  server=$(handout_command 01-tcp-echo.md serve-ipv6 './server ')
  client=$(handout_command 01-tcp-echo.md serve-ipv6 './client ')
  read -r -a server_args <<<"${server#./server }"
  start_server tcp-echo "${server_args[@]}"
  handout_substitute client ./client "timeout $DEADLINE '$LABS/tcp-echo/client'"
  run bash -c "$client $SERVER_PORT <<<'over IPv6'"
  assert_output "over IPv6"
  eventually file_has "$SERVER_OUT" '^connection from ::1 port [0-9]+$'
}
