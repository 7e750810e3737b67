#!/usr/bin/env bats
# Lesson: exercise 3
# Says: 4 clients and pools of 2: in the round-trip runs two clients wait for a worker until the run ends (rt max at least half the run)
load ../../helpers

# column FILE DESIGN NAME : the value of column NAME in DESIGN's row of bench.csv.
column() {
  awk -F , -v design="$2" -v name="$3" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $1 == design { print $(col[name]) }' "$1"
}

# Not a speed: a bound that load can only make easier to meet. In the round-
# trip runs each client keeps its connection until the run ends, so the two
# clients the two workers do not take get their first reply only when a
# served client leaves, at the end of the 1 s run: that request's latency
# (rt max) is about 1 s, however fast or slow the machine. With a worker per
# client (BENCH_WORKERS=4) nobody waits and rt max is a few ms.
@test "4 clients, 2 workers: rt max of both pools is at least half the 1 s run, with no error" {
  local out=$BATS_TEST_TMPDIR/out design max
  # The handout's BENCH_CLIENTS=4 ... make bench (make bench runs tests/bench/run).
  cmd=$(handout_command 09-bench.md too-few-workers 'BENCH_CLIENTS=')
  [[ $cmd == *' make bench' ]]
  handout_vars=() # its VAR=VALUE words, quotes and all
  eval "handout_vars=(${cmd% make bench})"
  run --separate-stderr env "${handout_vars[@]}" \
    BENCH_SECONDS=1 BENCH_REPEAT=1 BENCH_OUT="$out" timeout 50 "$ROOT/tests/bench/run"
  assert_success
  for design in prefork prethread; do
    max=$(column "$out/bench.csv" "$design" rt_max_us)
    echo "$design: rt max $max us, errors $(column "$out/bench.csv" "$design" errors)" >&3
    assert_equal "$design errors: $(column "$out/bench.csv" "$design" errors)" "$design errors: 0"
    awk -v max="$max" 'BEGIN { exit !(max != "" && max + 0 >= 500000) }'
  done
}
