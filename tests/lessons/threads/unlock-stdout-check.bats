#!/usr/bin/env bats
# Exercise 4 of handouts/05-threads.md, on the client without flockfile():
# lines printed by eight threads come out cut and mixed.

load ../../helpers

@test "without the stdout lock, some lines of client -t 8 come out mixed" {
  start_server threads -q
  seq 2000 | timeout 60 "$LABS/threads/client" -t 8 127.0.0.1 "$SERVER_PORT" >"$BATS_TEST_TMPDIR/out"
  mixed=$(grep -cvE '^\[thread [1-8]\] [0-9]+$' "$BATS_TEST_TMPDIR/out" || true)
  echo "mixed lines: $mixed" >&2
  ((mixed > 0))
}
