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
