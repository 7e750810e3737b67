#!/usr/bin/env bats
# Lesson: exercise 2
# Says: with nobody on the port, connect returns 0, sendto 6, poll POLLERR, recvfrom ECONNREFUSED
# (bats sets stderr_lines for run --separate-stderr)
# shellcheck disable=SC2154

load ../../helpers

@test "strace shows connect = 0, sendto = 6, poll POLLERR, recvfrom ECONNREFUSED" {
  command -v strace >/dev/null || skip "strace is not installed"
  strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not permitted)"
  start_server udp-echo
  port=$SERVER_PORT
  stop_server
  # The handout's command, with strace's output in a file and this test's
  # client and (closed) port.
  cmd=$(handout_command 02-udp-echo.md watch-the-refusal "printf 'hello?")
  handout_substitute cmd 'strace ' "strace -o '$BATS_TEST_TMPDIR/trace' "
  handout_substitute cmd ./client "'$LABS/udp-echo/client' 127.0.0.1 $port"
  run --separate-stderr timeout "$DEADLINE" bash -c "$cmd"
  assert_failure 1
  run cat "$BATS_TEST_TMPDIR/trace"
  assert_line --regexp "^connect\\([0-9]+, \\{sa_family=AF_INET, sin_port=htons\\($port\\), .*\\) = 0$"
  assert_line --regexp '^sendto\([0-9]+, "hello\?", 6, 0, NULL, 0\) += 6$'
  assert_line --regexp '^poll\(\[\{fd=[0-9]+, events=POLLIN\}\], 1, [0-9]+\) += 1 \(\[\{fd=[0-9]+, revents=POLLERR\}\]\)$'
  assert_line --regexp '^recvfrom\([0-9]+, .* = -1 ECONNREFUSED \(Connection refused\)$'
}
