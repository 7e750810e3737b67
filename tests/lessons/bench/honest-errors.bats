#!/usr/bin/env bats
# Lesson: exercise 5
# Says: loadgen -u against the plain echo server counts every reply as a mismatch and exits 1
load ../../helpers

@test "loadgen -u against tcp-echo: ok=0, six mismatches, exit status 1" {
  [[ -x $ROOT/tests/bench/loadgen ]] || make -s -C "$ROOT/tests/bench" loadgen >&2
  [[ -x $LABS/tcp-echo/server ]] || make -s -C "$LABS/tcp-echo" server >&2
  start_server tcp-echo -q
  run timeout "$DEADLINE" "$ROOT/tests/bench/loadgen" -u -c 2 -r 3 127.0.0.1 "$SERVER_PORT"
  assert_failure 1
  assert_output --regexp '(^| )ok=0 '
  assert_output --regexp '(^| )errors=6 '
  assert_output --regexp '(^| )err_mismatch=6( |$)'
}
