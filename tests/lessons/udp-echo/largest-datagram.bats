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

# echoed N HOST : N bytes sent as above come back whole (N and the newline).
# UDP may lose a datagram, more so one this size: over IPv6 it crosses the
# loopback in two fragments, and a busy machine (another test's flood)
# can drop one. The client then says "no reply within"; that is loss, not
# the limit (which it names), so the datagram is sent again, up to three
# times, as a program that needs its answer over UDP would.
echoed() {
  local try
  for try in 1 2 3; do
    send_bytes "$1" "$2"
    [[ $output == 0 && ${stderr_lines[0]:-} == 'client: no reply within '* ]] || break
  done
  [[ $output == "$(($1 + 1))" ]] || echo "after $try tries the client said: ${stderr_lines[*]:-nothing}" >&2
  assert_output "$(($1 + 1))"
}

@test "over IPv4 the largest datagram is 65507 bytes" {
  start_server udp-echo
  echoed 65507 127.0.0.1
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
  echoed 65508 ::1
  echoed 65527 ::1
  send_bytes 65528 ::1
  assert_output 0
  assert_equal "${stderr_lines[0]}" "client: a line of 65528 bytes does not fit in one datagram"
}
