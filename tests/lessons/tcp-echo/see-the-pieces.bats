#!/usr/bin/env bats
# Lesson: exercise 2
# Says: with the server stopped, two lines sent apart arrive together: strace shows one read of both

load ../../helpers

# unread_at_server N : the server's end of the connection holds N bytes
# unread (ss's Recv-Q).
unread_at_server() { ss -Htn state established "( sport = :$SERVER_PORT )" | grep -q "^$1 "; }

@test "strace shows one read of the first line, then one read of the next two together" {
  command -v strace >/dev/null || skip "strace is not installed"
  strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not permitted)"
  # shellcheck disable=SC2034,SC2054 # read by start_server; the comma is strace syntax
  SERVER_WRAPPER=(strace -o "$BATS_TEST_TMPDIR/trace" -e trace=read,write)
  start_server tcp-echo
  server=$(child_pids "$SERVER_PID")
  [[ $server =~ ^[0-9]+$ ]] # the server itself, under strace
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'one\n' >&"$sock"
  read -r -t "$DEADLINE" echo1 <&"$sock"
  assert_equal "$echo1" one
  # Ctrl-Z would send SIGTSTP; the kernel discards it in this test's process
  # group (orphaned: it has no shell), so SIGSTOP does the stopping here.
  kill -STOP "$server"
  eventually state_is "$server" '[Tt]'
  printf 'two\n' >&"$sock"
  # the first line is in the server's receive queue before the second goes
  eventually unread_at_server 4
  printf 'three\n' >&"$sock"
  eventually unread_at_server 10
  kill -CONT "$server" # fg
  read -r -t "$DEADLINE" echo2 <&"$sock"
  read -r -t "$DEADLINE" echo3 <&"$sock"
  exec {sock}>&-
  assert_equal "$echo2 $echo3" "two three"
  kill -TERM "$server" # strace itself ends when the server does
  stop_server
  run cat "$BATS_TEST_TMPDIR/trace"
  assert_line --regexp '^--- SIG(TSTP|STOP) '
  assert_line --regexp '^read\([0-9]+, .* = \? ERESTARTSYS '
  assert_line --regexp '^read\([0-9]+, "one\\n", 16384\) += 4$'
  assert_line --regexp '^read\([0-9]+, "two\\nthree\\n", 16384\) += 10$'
}
