#!/usr/bin/env bats
# Lesson: exercise 1
# Says: 65507 bytes pass over IPv4 and 65508 do not; over IPv6 65527 pass and 65528 do not

# (bats sets stderr_lines for run --separate-stderr)
# shellcheck disable=SC2154

load ../../helpers

# send_bytes N HOST : the handout's command, with N bytes instead of 65507,
# sent by this test's client to HOST and this test's server (run sets
# output, status and stderr_lines).
send_bytes() {
  local cmd
  cmd=$(handout_command 02-udp-echo.md largest-datagram 'head -c 65507 ')
  handout_substitute cmd 'head -c 65507 ' "head -c $1 "
  handout_substitute cmd ./client "timeout $DEADLINE '$LABS/udp-echo/client' $2 $SERVER_PORT"
  run --separate-stderr bash -c "$cmd"
}

@test "over IPv4 the largest datagram is 65507 bytes" {
  start_server udp-echo
  send_bytes 65507 127.0.0.1
  assert_output 65508
  send_bytes 65508 127.0.0.1
  assert_output 0
  assert_equal "${stderr_lines[0]}" "client: a line of 65508 bytes does not fit in one datagram"
}

@test "over IPv6 65508 bytes pass and the limit is 65527" {
  has_ipv6 || skip "this machine has no IPv6 loopback (::1)"
  server=$(handout_command 02-udp-echo.md largest-datagram './server ')
  client=$(handout_command 02-udp-echo.md largest-datagram './client ::1')
  [[ $server == './server -b ::1' && $client == './client ::1' ]]
  start_server udp-echo -b ::1
  for n in 65508 65527; do
    send_bytes "$n" ::1
    assert_output "$((n + 1))"
  done
  send_bytes 65528 ::1
  assert_output 0
  assert_equal "${stderr_lines[0]}" "client: a line of 65528 bytes does not fit in one datagram"
}
