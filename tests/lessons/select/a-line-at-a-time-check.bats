#!/usr/bin/env bats
# Exercise 4 of handouts/06-select.md, checked on the reference solution
# (a-line-at-a-time.patch): with fgets() on an fdopen() stream per client,
# the second of two lines sent in one write waits in stdio's buffer, where
# select() cannot see it, until more bytes arrive.

load ../../helpers

@test "two lines in one write: only the first comes back until more data arrives" {
  start_server select
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  # One write(2) of both lines, as the exercise's client sends them: cat
  # writes what it read in one call (bash's printf may write line by line).
  printf 'one\ntwo\n' >"$BATS_TEST_TMPDIR/two-lines"
  cat "$BATS_TEST_TMPDIR/two-lines" >&"$sock"
  read -r -t "$DEADLINE" first <&"$sock"
  assert_equal "$first" one
  # "two" is in the server's stdio buffer: nothing comes.
  status=0
  read -r -t 1 second <&"$sock" || status=$?
  ((status > 128)) # a timeout, not end of file
  printf 'three\n' >&"$sock"
  read -r -t "$DEADLINE" second <&"$sock"
  assert_equal "$second" two
  exec {sock}>&-
}

@test "the handout's (printf 'one\\ntwo\\n'; cat) | ./client: one at once, two when input ends" {
  cmd=$(handout_command 06-select.md a-line-at-a-time "(printf 'one")
  start_server select
  handout_substitute cmd ./client "timeout 20 '$LABS/select/client'"
  handout_substitute cmd ' localhost 5400' " 127.0.0.1 $SERVER_PORT"
  # The student's terminal: cat reads it until Ctrl-D. Here a FIFO the test
  # holds open, and closes for the Ctrl-D.
  mkfifo "$BATS_TEST_TMPDIR/terminal"
  exec {terminal}<>"$BATS_TEST_TMPDIR/terminal"
  HELD_FDS+=("$terminal")
  spawn "$BATS_TEST_TMPDIR/terminal" "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err" bash -c "$cmd"
  eventually file_has "$BATS_TEST_TMPDIR/out" '^one$'
  # The client started after both lines were in the pipe: it sent them in
  # one write, and two stays in the server's stdio buffer while input lasts.
  not_within 2000 file_has "$BATS_TEST_TMPDIR/out" '^two$'
  exec {terminal}>&-
  eventually file_has "$BATS_TEST_TMPDIR/out" '^two$'
}
