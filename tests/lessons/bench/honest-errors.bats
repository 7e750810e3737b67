#!/usr/bin/env bats
# Lesson: exercise 5
# Says: loadgen -u against the plain echo server counts every reply as a mismatch and exits 1
load ../../helpers

@test "loadgen -u against tcp-echo: ok=0, six mismatches, exit status 1" {
  [[ -x $ROOT/tests/bench/loadgen ]] || make -s -C "$ROOT/tests/bench" loadgen >&2
  [[ -x $LABS/tcp-echo/server ]] || make -s -C "$LABS/tcp-echo" server >&2
  # The handout's server options and loadgen line, on this test's port.
  server=$(handout_command 09-bench.md honest-errors 'labs/tcp-echo/server ')
  loadgen=$(handout_command 09-bench.md honest-errors 'tests/bench/loadgen ')
  read -r -a words <<<"$server"
  [[ ${words[-1]} == 7000 ]]
  start_server tcp-echo "${words[@]:1:${#words[@]}-2}"
  handout_substitute loadgen ' 7000' " $SERVER_PORT"
  run bash -c "cd '$ROOT' && timeout $DEADLINE $loadgen"
  assert_failure 1
  assert_output --regexp '(^| )ok=0 '
  assert_output --regexp '(^| )errors=6 '
  assert_output --regexp '(^| )err_mismatch=6( |$)'
}
