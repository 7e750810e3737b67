#!/usr/bin/env bats
# udp-echo: datagrams, record boundaries, and replies that never come.
# (bats sets stderr_lines for run --separate-stderr)
# shellcheck disable=SC2154

load helpers

CLIENT="$LABS/udp-echo/client"

@test "the server says where it listens, on the port the kernel chose" {
  start_server udp-echo
  first_line_names_server
}

@test "each line comes back and the client exits 0" {
  start_server udp-echo
  run --separate-stderr "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'hello\nworld'
  assert_success
  assert_output $'hello\nworld'
}

@test "each line is one datagram: record boundaries are kept" {
  start_server udp-echo
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'abc\nde\nfghij'
  assert_success
  eventually file_has "$SERVER_OUT" ': 5 bytes$'
  run grep -oE '[0-9]+ bytes$' "$SERVER_OUT"
  assert_output $'3 bytes\n2 bytes\n5 bytes'
  assert file_has "$SERVER_OUT" '^127\.0\.0\.1 port [0-9]+: 3 bytes$'
}

@test "an empty line is an empty datagram, and it comes back" {
  start_server udp-echo
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'\nafter'
  assert_success
  assert_output $'\nafter'
  eventually file_has "$SERVER_OUT" ': 0 bytes$'
}

@test "a 65507-byte datagram, the largest over IPv4, comes back whole" {
  start_server udp-echo
  head -c 65507 /dev/zero | tr '\0' u >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
  eventually file_has "$SERVER_OUT" ': 65507 bytes$'
}

@test "a line too long for one datagram is reported and counted as lost" {
  start_server udp-echo
  { head -c 65508 /dev/zero | tr '\0' u; printf '\nshort\n'; } >"$BATS_TEST_TMPDIR/in"
  run --separate-stderr "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in"
  assert_failure 1
  assert_output "short"
  assert_equal "${stderr_lines[0]}" "client: a line of 65508 bytes does not fit in one datagram"
  assert_equal "${stderr_lines[1]}" "client: 1 of 2 replies never came"
}

@test "binary bytes come back unchanged" {
  start_server udp-echo
  every_byte 10 >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
  eventually file_has "$SERVER_OUT" ': 255 bytes$'
}

@test "q ends the client without sending it" {
  start_server udp-echo
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'one\nQ\ntwo'
  assert_success
  assert_output "one"
  eventually file_has "$SERVER_OUT" ': 3 bytes$'
  assert_equal "$(count_lines "$SERVER_OUT" 'bytes$')" 1
}

@test "a lost reply is reported on stderr and the client exits 1" {
  start_server udp-echo
  kill -STOP "$SERVER_PID" # datagrams queue up, nobody answers
  # timeout: a client that waits for ever for a lost reply fails here, fast.
  run --separate-stderr timeout 5 "$CLIENT" -t 200 127.0.0.1 "$SERVER_PORT" <<<$'first\nsecond'
  kill -CONT "$SERVER_PID"
  assert_failure 1
  assert_output ""
  assert_equal "${stderr_lines[0]}" "client: no reply within 200 ms"
  assert_equal "${stderr_lines[1]}" "client: no reply within 200 ms"
  assert_equal "${stderr_lines[2]}" "client: 2 of 2 replies never came"
}

@test "a late reply is not taken for the echo of the next line" {
  start_server udp-echo
  start_client late udp-echo -t 300 127.0.0.1 "$SERVER_PORT"
  kill -STOP "$SERVER_PID"
  send_line late "first"
  eventually file_has "$BATS_TEST_TMPDIR/late.err" 'no reply within 300 ms'
  kill -CONT "$SERVER_PID"
  send_line late "second"
  eventually file_has "$BATS_TEST_TMPDIR/late.out" '^second$'
  end_input late
  client_exits late
  assert_equal "$CLIENT_STATUS" 1
  run cat "$BATS_TEST_TMPDIR/late.out"
  assert_output "second"
  assert file_has "$BATS_TEST_TMPDIR/late.err" '^client: ignoring a late reply of 5 bytes$'
}

@test "with no server listening the client says connection refused and exits 1" {
  start_server udp-echo
  port=$SERVER_PORT
  stop_server
  run "$CLIENT" 127.0.0.1 "$port" <<<"anyone?"
  assert_failure 1
  assert_output "client: no UDP server at 127.0.0.1 port $port: Connection refused"
}

@test "localhost reaches a server bound to 127.0.0.1 only" {
  start_server udp-echo -b 127.0.0.1
  run localhost_ipv6_first "$CLIENT" localhost "$SERVER_PORT" <<<"via localhost"
  assert_success
  assert_output "via localhost"
}

@test "-b ::1 serves IPv6" {
  has_ipv6 || skip "this machine has no IPv6"
  start_server udp-echo -b ::1
  assert file_has "$SERVER_OUT" '^listening on ::1 port [0-9]+ \(pid [0-9]+\)$'
  run "$CLIENT" ::1 "$SERVER_PORT" <<<"over IPv6"
  assert_success
  assert_output "over IPv6"
  eventually file_has "$SERVER_OUT" '^::1 port [0-9]+: 9 bytes$'
}

@test "-q silences the per-datagram log lines" {
  start_server udp-echo -q
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"quiet"
  assert_output "quiet"
  stop_server
  run cat "$SERVER_OUT"
  assert_line --index 0 --regexp '^listening on '
  assert_equal "${#lines[@]}" 1 # nothing but the listening line
}

@test "a bad command line exits 2 with a usage line" {
  for args in "-x" "65536" "-1" "port" "1 2" "-b"; do
    # shellcheck disable=SC2086 # split on purpose: one case, several words
    run "$LABS/udp-echo/server" $args
    assert_failure 2
    assert_line --partial "usage: server [-b ADDR] [-q] [PORT]"
  done
  for args in "-x" "-t" "-t 0" "-t soon" "localhost 65536" "a 1 2"; do
    # shellcheck disable=SC2086
    run "$CLIENT" $args </dev/null
    assert_failure 2
    assert_line --partial "usage: client [-t MS] [HOST [PORT]]"
  done
}

@test "a port in use exits 1 and says bind failed and why" {
  start_server udp-echo
  run "$LABS/udp-echo/server" "$SERVER_PORT"
  assert_failure 1
  assert_output "server: bind 127.0.0.1 port $SERVER_PORT: Address already in use"
}

@test "SIGINT and SIGTERM stop the server with status 0" {
  start_server udp-echo
  stop_server INT
  start_server udp-echo
  stop_server TERM
}
