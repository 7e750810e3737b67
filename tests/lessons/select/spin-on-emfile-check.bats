#!/usr/bin/env bats
# Exercise 2 of handouts/06-select.md, on the lab whose
# refuse_for_lack_of_descriptors() returns 0 at once: out of descriptors,
# with clients still queued, the server burns CPU (what top shows as 100 %).

load ../../helpers

cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat") || return 1
  stat=${stat##*) }
  awk '{ print $12 + $13 }' <<<"$stat"
}
busier_than() { (($(cpu_ticks "$1") > $2)); }

@test "out of descriptors with clients queued, the server spins" {
  # The handout's limit and peer hold (hold_connections runs the same on
  # this test's port). Its ulimit -n lowers the hard limit too, for good:
  # here only the soft one, which can be raised again. Its top -p P is
  # interactive: the CPU time top shows comes from /proc/P/stat, read here.
  limit=$(handout_command 06-select.md spin-on-emfile 'ulimit -n ')
  hold=$(handout_command 06-select.md spin-on-emfile '../../tests/tools/peer hold ')
  assert_equal "$hold" "../../tests/tools/peer hold 127.0.0.1 5400 100"
  [[ $ROOT/labs/select/../../tests/tools/peer -ef $PEER ]]
  soft=$(ulimit -Sn)
  ulimit -S -n "${limit#ulimit -n }" # what the exercise's server terminal does
  start_server select
  ulimit -S -n "$soft"
  hold_connections 100
  ticks=$(cpu_ticks "$SERVER_PID")
  # A second of CPU time (100 ticks), spent while nothing is served.
  eventually busier_than "$SERVER_PID" $((ticks + 100))
  release_connections
}
