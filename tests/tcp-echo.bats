#!/usr/bin/env bats
# tcp-echo: the iterative TCP echo server and the base client.

load helpers

CLIENT="$LABS/tcp-echo/client"

@test "the server says where it listens, on the port the kernel chose" {
  start_server tcp-echo
  first_line_names_server
}

@test "the client echoes a line and exits 0" {
  start_server tcp-echo
  run --separate-stderr "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"hello"
  assert_success
  assert_output "hello"
  eventually file_has "$SERVER_OUT" "^127\.0\.0\.1 port [0-9]+ closed$"
  assert file_has "$SERVER_OUT" "^connection from 127\.0\.0\.1 port [0-9]+$"
}

@test "piped input gets no prompt: the output is exactly the replies" {
  start_server tcp-echo
  printf 'one\ntwo\n\nthree words here\n' >"$BATS_TEST_TMPDIR/in"
  "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "a line that is q or Q ends the client without sending it" {
  start_server tcp-echo
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'a\nq\nb'
  assert_success
  assert_output "a"
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'Q\nc'
  assert_success
  assert_output ""
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'qq\nq x\n'
  assert_output $'qq\nq x'
}

@test "at end of input the client exits 0 after every reply has arrived" {
  start_server tcp-echo
  seq 1 2000 >"$BATS_TEST_TMPDIR/in"
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in"
  assert_success
  assert_output "$(seq 1 2000)"
}

@test "a last line without a newline is echoed as it is" {
  start_server tcp-echo
  printf 'no newline' | "$CLIENT" 127.0.0.1 "$SERVER_PORT" >"$BATS_TEST_TMPDIR/out"
  assert_equal "$(od -c "$BATS_TEST_TMPDIR/out")" "$(printf 'no newline' | od -c)"
}

@test "binary bytes, NUL included, come back byte-exact" {
  start_server tcp-echo
  every_byte >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "a 1 MiB line comes back byte-exact" {
  start_server tcp-echo
  head -c 1048576 /dev/urandom | tr '\n' x >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "two lines in one write are both echoed" {
  start_server tcp-echo
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'one\ntwo\n' >&"$sock"
  read -r -t "$DEADLINE" first <&"$sock"
  read -r -t "$DEADLINE" second <&"$sock"
  exec {sock}>&-
  assert_equal "$first" one
  assert_equal "$second" two
}

@test "a line split across two writes comes back whole" {
  start_server tcp-echo
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'hel' >&"$sock"
  printf 'lo\n' >&"$sock"
  read -r -t "$DEADLINE" line <&"$sock"
  exec {sock}>&-
  assert_equal "$line" hello
}

@test "a reply that arrives a byte at a time is printed whole" {
  # One read() returns whatever has arrived: here, one byte. The client
  # must read until the whole line is back (read_exactly).
  start_trickle_server
  run --separate-stderr timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$TRICKLE_PORT" <<<$'hello, byte by byte\nand again'
  assert_success
  assert_output $'hello, byte by byte\nand again'
}

@test "an echo held up while the server is stopped (Ctrl-Z, fg) comes back whole" {
  # The peer sends without reading until the server is blocked in write()
  # with its buffers full. Stopping and continuing the server interrupts
  # that write after part of it went out: write() returns a short count,
  # and only a loop (write_all) sends the rest.
  start_server tcp-echo
  start_peer stall stall-echo 127.0.0.1 "$SERVER_PORT"
  eventually file_has "$BATS_TEST_TMPDIR/stall.out" '^stalled after [0-9]+ bytes$'
  kill -STOP "$SERVER_PID"
  eventually state_is "$SERVER_PID" T
  kill -CONT "$SERVER_PID"
  end_input stall
  client_exits stall
  run cat "$BATS_TEST_TMPDIR/stall.out" "$BATS_TEST_TMPDIR/stall.err"
  assert_equal "$CLIENT_STATUS" 0
  assert_line --regexp '^echoed ([0-9]+) of \1 bytes$'
}

@test "a second client waits while the first is connected" {
  start_server tcp-echo
  start_client first tcp-echo 127.0.0.1 "$SERVER_PORT"
  send_line first "from the first"
  eventually file_has "$BATS_TEST_TMPDIR/first.out" "^from the first$"

  start_client second tcp-echo 127.0.0.1 "$SERVER_PORT"
  send_line second "from the second"
  not_within 500 file_has "$BATS_TEST_TMPDIR/second.out" "from the second"
  assert_equal "$(count_lines "$SERVER_OUT" '^connection from')" 1

  end_input first
  client_exits first
  assert_equal "$CLIENT_STATUS" 0
  eventually file_has "$BATS_TEST_TMPDIR/second.out" "^from the second$"
  end_input second
  client_exits second
  assert_equal "$CLIENT_STATUS" 0
}

@test "localhost reaches a server bound to 127.0.0.1 only" {
  start_server tcp-echo -b 127.0.0.1
  run localhost_ipv6_first "$CLIENT" localhost "$SERVER_PORT" <<<"via localhost"
  assert_success
  assert_output "via localhost"
  # The test tool too (the p2p-chat scenes reset a connection with it).
  run localhost_ipv6_first "$PEER" reset localhost "$SERVER_PORT"
  assert_success
}

@test "-b ::1 serves IPv6" {
  has_ipv6 || skip "this machine has no IPv6"
  start_server tcp-echo -b ::1
  assert file_has "$SERVER_OUT" '^listening on ::1 port [0-9]+ \(pid [0-9]+\)$'
  run "$CLIENT" ::1 "$SERVER_PORT" <<<"over IPv6"
  assert_success
  assert_output "over IPv6"
  eventually file_has "$SERVER_OUT" '^connection from ::1 port [0-9]+$'
}

@test "-b 0.0.0.0 serves every IPv4 interface" {
  start_server tcp-echo -b 0.0.0.0
  assert file_has "$SERVER_OUT" '^listening on 0\.0\.0\.0 port [0-9]+ \(pid [0-9]+\)$'
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"any"
  assert_output "any"
}

@test "-q silences the per-connection log lines" {
  start_server tcp-echo -q
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"quiet"
  assert_output "quiet"
  stop_server
  run cat "$SERVER_OUT"
  assert_line --index 0 --regexp '^listening on '
  assert_equal "${#lines[@]}" 1 # nothing but the listening line
}

@test "a bad command line exits 2 with a usage line" {
  for args in "-x" "65536" "-1" "port" "12ab" "1 2" "-b"; do
    # shellcheck disable=SC2086 # split on purpose: one case, several words
    run "$LABS/tcp-echo/server" $args
    assert_failure 2
    assert_line --partial "usage: server [-b ADDR] [-q] [PORT]"
  done
  for args in "-x" "localhost 65536" "localhost port" "a 1 2"; do
    # shellcheck disable=SC2086
    run "$CLIENT" $args </dev/null
    assert_failure 2
    assert_line --partial "usage: client [HOST [PORT]]"
  done
}

@test "a bind address that is not numeric exits 2" {
  run "$LABS/tcp-echo/server" -b not-an-address 0
  assert_failure 2
  assert_line --partial "bad address 'not-an-address'"
}

@test "a port in use exits 1 and says bind failed and why" {
  start_server tcp-echo
  run "$LABS/tcp-echo/server" "$SERVER_PORT"
  assert_failure 1
  assert_output "server: bind 127.0.0.1 port $SERVER_PORT: Address already in use"
}

@test "a refused connection exits 1 and says so" {
  start_server tcp-echo
  port=$SERVER_PORT
  stop_server
  run "$CLIENT" 127.0.0.1 "$port" <<<"anyone?"
  assert_failure 1
  assert_output "client: connect to 127.0.0.1 port $port: Connection refused"
}

@test "an unknown host exits 1 and says so" {
  run "$CLIENT" no-such-host.invalid 5090 </dev/null
  assert_failure 1
  assert_output --partial "client: no-such-host.invalid port 5090: "
}

@test "a client that resets its connection leaves the server serving" {
  start_server tcp-echo
  run "$PEER" reset 127.0.0.1 "$SERVER_PORT"
  assert_success
  eventually file_has "$SERVER_OUT" 'closed$'
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still here"
  assert_output "still here"
}

@test "a client that stops reading and leaves does not stop the server" {
  start_server tcp-echo
  run "$PEER" flood 127.0.0.1 "$SERVER_PORT"
  assert_success
  eventually file_has "$SERVER_ERR" 'write to 127\.0\.0\.1 port [0-9]+: (Connection reset by peer|Broken pipe)'
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still here"
  assert_output "still here"
}

@test "a client that leaves before its echo is written does not kill the server" {
  # A holds the server; the peer sends 100000 bytes, half-closes and closes
  # while it waits in the queue. When A leaves, the server echoes to a
  # socket whose peer is gone: the first write draws a reset, the next one
  # fails with EPIPE, which raises SIGPIPE unless it is ignored.
  start_server tcp-echo
  start_client A tcp-echo 127.0.0.1 "$SERVER_PORT"
  send_line A "ahead of the peer"
  eventually file_has "$BATS_TEST_TMPDIR/A.out" "^ahead of the peer$"
  run timeout "$DEADLINE" "$PEER" send-close 127.0.0.1 "$SERVER_PORT" 100000
  assert_success
  end_input A
  client_exits A
  eventually file_has "$SERVER_ERR" '^server: write to 127\.0\.0\.1 port [0-9]+: Broken pipe$'
  assert is_running "$SERVER_PID"
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still here"
  assert_output "still here"
}

@test "the client says so when the server dies in the middle" {
  start_server tcp-echo
  start_client talker tcp-echo 127.0.0.1 "$SERVER_PORT"
  send_line talker "before"
  eventually file_has "$BATS_TEST_TMPDIR/talker.out" '^before$'
  kill -KILL "$SERVER_PID"
  SERVER_PID=
  send_line talker "after"
  client_exits talker
  assert_equal "$CLIENT_STATUS" 1
  run cat "$BATS_TEST_TMPDIR/talker.err"
  assert_output --regexp '^client: (the server closed the connection before replying in full|send: Broken pipe|receive: Connection reset by peer)$'
}

@test "SIGINT and SIGTERM stop the server with status 0" {
  start_server tcp-echo
  stop_server INT
  start_server tcp-echo
  start_client idle tcp-echo 127.0.0.1 "$SERVER_PORT"
  send_line idle "connected"
  eventually file_has "$BATS_TEST_TMPDIR/idle.out" connected
  stop_server TERM
}
