#!/usr/bin/env bats
# Lesson: exercise 5
# Says: ./server -b ::1, then ./client ::1: the server logs a peer from ::1
load ../../helpers

@test "a client of ::1 reaches a server bound to ::1, and the log shows the IPv6 address" {
  has_ipv6 || skip "this machine has no IPv6 loopback (::1)"
  # The handout's server and client, on this test's port.
  server=$(handout_command 07-p2p-chat.md ipv6 './server ')
  client=$(handout_command 07-p2p-chat.md ipv6 './client ::1')
  read -r -a words <<<"$server"
  start_server_with_fifo p2p-chat "${words[@]:1}"
  assert file_has "$SERVER_OUT" '^listening on ::1 port [0-9]+ \(pid [0-9]+\)$'
  handout_substitute client ./client "timeout $DEADLINE '$LABS/p2p-chat/client'"
  handout_substitute client ' 5000' " $SERVER_PORT"
  run bash -c "$client <<<'over IPv6'"
  assert_success
  eventually file_has "$SERVER_OUT" '^peer connected from ::1 port [0-9]+$'
  eventually file_has "$SERVER_OUT" '^peer: over IPv6$'
}

@test "./client localhost reaches the server on ::1 where getent ahosts localhost lists ::1, and is refused where not" {
  has_ipv6 || skip "this machine has no IPv6 loopback (::1)"
  client=$(handout_command 07-p2p-chat.md ipv6 './client localhost')
  getent=$(handout_command 07-p2p-chat.md ipv6 'getent ahosts ')
  start_server_with_fifo p2p-chat -b ::1
  handout_substitute client ./client "timeout $DEADLINE '$LABS/p2p-chat/client'"
  run bash -c "$client $SERVER_PORT <<<'by name'"
  if bash -c "$getent" | grep -q '^::1 '; then
    assert_success
    eventually file_has "$SERVER_OUT" '^peer: by name$'
  else
    assert_failure 1
    assert_output --partial 'Connection refused'
  fi
}
