#!/usr/bin/env bats
# Lesson: exercise 1
# Says: 65507 bytes pass over IPv4 and 65508 do not; over IPv6 65527 pass and 65528 do not

# (bats sets stderr_lines for run --separate-stderr)
# shellcheck disable=SC2154

load ../../helpers

# line N FILE : a line of N bytes of 'u' (and its newline) in FILE.
line() { { head -c "$1" /dev/zero | tr '\0' u; printf '\n'; } >"$2"; }

@test "over IPv4 the largest datagram is 65507 bytes" {
  start_server udp-echo
  line 65507 "$BATS_TEST_TMPDIR/in"
  run bash -c "timeout $DEADLINE '$LABS/udp-echo/client' 127.0.0.1 $SERVER_PORT <'$BATS_TEST_TMPDIR/in' | wc -c"
  assert_output 65508
  line 65508 "$BATS_TEST_TMPDIR/in"
  run bash -c "timeout $DEADLINE '$LABS/udp-echo/client' 127.0.0.1 $SERVER_PORT <'$BATS_TEST_TMPDIR/in' | wc -c"
  assert_line --index 0 "client: a line of 65508 bytes does not fit in one datagram"
  assert_line 0
}

@test "over IPv6 65508 bytes pass and the limit is 65527" {
  has_ipv6 || skip "this machine has no IPv6 loopback (::1)"
  start_server udp-echo -b ::1
  for n in 65508 65527; do
    line "$n" "$BATS_TEST_TMPDIR/in"
    run bash -c "timeout $DEADLINE '$LABS/udp-echo/client' ::1 $SERVER_PORT <'$BATS_TEST_TMPDIR/in' | wc -c"
    assert_output "$((n + 1))"
  done
  line 65528 "$BATS_TEST_TMPDIR/in"
  run --separate-stderr timeout "$DEADLINE" "$LABS/udp-echo/client" ::1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in"
  assert_failure 1
  assert_equal "${stderr_lines[0]}" "client: a line of 65528 bytes does not fit in one datagram"
}
