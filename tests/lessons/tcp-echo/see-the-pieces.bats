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
  # The handout's strace command, its output sent to a file.
  strace=$(handout_command 01-tcp-echo.md see-the-pieces 'strace ')
  handout_substitute strace ' ./server' ''
  read -r -a words <<<"$strace"
  # shellcheck disable=SC2034 # read by start_server
  SERVER_WRAPPER=(strace -o "$BATS_TEST_TMPDIR/trace" "${words[@]:1}")
  start_server tcp-echo
  server=$(child_pids "$SERVER_PID")
  [[ $server =~ ^[0-9]+$ ]] # the server itself, under strace
  # The handout's exec 3<>/dev/tcp/127.0.0.1/5090, echo one >&3..., on a
  # descriptor of the shell's choosing: bats keeps 3 for itself.
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'one\n' >&"$sock"
  read -r -t "$DEADLINE" echo1 <&"$sock"
  assert_equal "$echo1" one
  # A student presses Ctrl-Z long after the echo, when the server is back in
  # read() and sleeps there (S); that read is the one strace shows cut short
  # by the stop (ERESTARTSYS). A signal sent sooner can find it still between
  # the write and the read, and the trace then has no such line.
  eventually state_is "$server" S
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
  # The two reads the handout quotes, as strace prints them (it pads the
  # result to a column). The connection is descriptor 4 in a terminal, but
  # may be another here: bats leaves descriptors of its own open.
  for first in one two; do
    read_call=$(handout_command 01-tcp-echo.md see-the-pieces "read(4, \"$first")
    assert_equal "$(sed -E 's/^read\([0-9]+,/read(4,/; s/\) +=/) =/' "$BATS_TEST_TMPDIR/trace" |
      grep -cxF "$read_call")" 1
  done
}
