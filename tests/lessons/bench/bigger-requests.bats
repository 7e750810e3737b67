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

# in_flight SIZE BYTES : BYTES (bytes_in) is every checked reply of SIZE
# bytes (ok), plus at most one reply in flight per client when the run ended
# (loadgen counts what arrived, even a part): every request was checked.
in_flight() {
  local ok
  ok=$(field ok) || return 1
  ((ok * $1 <= $2 && $2 < (ok + CLIENTS) * $1)) || fail "bytes_in=$2 for ok=$ok replies of $1 bytes"
}

# Two counts over the same duration, not a timing: a request 1024 times
# bigger costs a few more system calls (16 KiB at a time), not 1024 times
# the time, so its byte count is hundreds of times larger (about 300 here on
# a busy machine). Only "more" is asserted: the margin is so wide that no
# load on the machine can turn it around. The handout's own command, run from
# the top of the repository, then the same with -b 65536.
@test "loadgen -s -d 2: bytes_in with -b 65536 is more than with -b 64, and every request was checked" {
  [[ -x $ROOT/tests/bench/loadgen ]] || make -s -C "$ROOT/tests/bench" loadgen >&2
  local small big cmd
  cmd=$(handout_command 09-bench.md bigger-requests 'tests/bench/loadgen -s ')
  [[ $cmd == *' -b 64' && $cmd != *' -c '* ]]
  CLIENTS=$(sed -n 's/^#define DEFAULT_CLIENTS \([0-9]*\).*/\1/p' "$ROOT/tests/bench/loadgen.c")
  run --separate-stderr bash -c "cd '$ROOT' && timeout 20 $cmd"
  assert_success
  assert_equal "errors=$(field errors)" errors=0
  small=$(field bytes_in)
  in_flight 64 "$small"
  handout_substitute cmd ' -b 64' ' -b 65536' # "then the same with -b 65536"
  run --separate-stderr bash -c "cd '$ROOT' && timeout 20 $cmd"
  assert_success
  assert_equal "errors=$(field errors)" errors=0
  big=$(field bytes_in)
  in_flight 65536 "$big"
  echo "bytes in 2 s: $small with -b 64, $big with -b 65536" >&3
  ((big > small))
}
