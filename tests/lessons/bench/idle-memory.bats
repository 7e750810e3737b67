#!/usr/bin/env bats
# Lesson: exercise 2
# Says: with idle connections held, thread per connection's memory grows by at least a page of stack per idle client, select's hardly at all
load ../../helpers

# column FILE DESIGN NAME : the value of column NAME in DESIGN's row of bench.csv.
column() {
  awk -F , -v design="$2" -v name="$3" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $1 == design { print $(col[name]) }' "$1"
}

# Memory is a count of pages, not a timing: a loaded machine does not change
# it. Each idle client of the threads server is a thread blocked in read(),
# and every thread has written at least one 4 KiB page of its own stack (16
# KiB were measured per thread on Linux): at least IDLE x 4 KiB more. The
# select server holds an idle client as one bit of an fd_set and one
# descriptor (kernel memory, which Pss does not count): less than IDLE x 1
# KiB more. 500 idle clients instead of the handout's 1000, to be quick.
@test "500 idle clients: threads' memory grows by at least 500 x 4 KiB, select's by less than 500 x 1 KiB" {
  local idle=500 out=$BATS_TEST_TMPDIR/out
  # The handout's BENCH_IDLE=1000 ... make bench (make bench runs
  # tests/bench/run), with 500 idle.
  cmd=$(handout_command 09-bench.md idle-memory 'BENCH_IDLE=')
  [[ $cmd == *' make bench' ]]
  handout_substitute cmd BENCH_IDLE=1000 "BENCH_IDLE=$idle"
  handout_vars=() # its VAR=VALUE words, quotes and all
  eval "handout_vars=(${cmd% make bench})"
  run --separate-stderr env "${handout_vars[@]}" BENCH_SECONDS=0.3 \
    BENCH_REPEAT=1 BENCH_OUT="$out" timeout 50 "$ROOT/tests/bench/run"
  assert_success
  local design peak idle_peak
  for design in thread select; do
    peak=$(column "$out/bench.csv" "$design" peak_pss_kib)
    idle_peak=$(column "$out/bench.csv" "$design" idle_peak_pss_kib)
    echo "$design: peak memory ${peak} KiB, with $idle idle ${idle_peak} KiB" >&3
    [[ $peak =~ ^[0-9]+$ && $idle_peak =~ ^[0-9]+$ ]]
    if [[ $design == thread ]]; then
      ((idle_peak - peak >= idle * 4))
    else
      ((idle_peak - peak < idle))
    fi
  done
}
