#!/usr/bin/env bats
# Lesson: exercise 4
# Says: in the same time, 64 KiB requests move more bytes than 64-byte ones (the floor, loadgen -s)
load ../../helpers

# field NAME : the value of NAME=VALUE in loadgen's result line ($output).
field() {
  local kv
  for kv in $output; do
    [[ ${kv%%=*} == "$1" ]] && { echo "${kv#*=}"; return 0; }
  done
  echo "no field $1 in: $output" >&2
  return 1
}

# Two counts over the same duration, not a timing: a request 1024 times
# bigger costs a few more system calls (16 KiB at a time), not 1024 times
# the time, so its byte count is hundreds of times larger (about 300 here on
# a busy machine). Only "more" is asserted: the margin is so wide that no
# load on the machine can turn it around.
@test "loadgen -s -d 1: bytes_in with -b 65536 is more than with -b 64, and every request was checked" {
  [[ -x $ROOT/tests/bench/loadgen ]] || make -s -C "$ROOT/tests/bench" loadgen >&2
  local small big
  run --separate-stderr timeout 20 "$ROOT/tests/bench/loadgen" -s -c 2 -d 1 -b 64
  assert_success
  assert_equal "errors=$(field errors)" errors=0
  small=$(field bytes_in)
  assert_equal "$small" "$(($(field ok) * 64))"
  run --separate-stderr timeout 20 "$ROOT/tests/bench/loadgen" -s -c 2 -d 1 -b 65536
  assert_success
  assert_equal "errors=$(field errors)" errors=0
  big=$(field bytes_in)
  assert_equal "$big" "$(($(field ok) * 65536))"
  echo "bytes in 1 s: $small with -b 64, $big with -b 65536" >&3
  ((big > small))
}
