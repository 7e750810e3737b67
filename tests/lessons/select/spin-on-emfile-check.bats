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
  soft=$(ulimit -Sn)
  ulimit -S -n 64 # what the exercise's server terminal does
  start_server select
  ulimit -S -n "$soft"
  hold_connections 100
  ticks=$(cpu_ticks "$SERVER_PID")
  # A second of CPU time (100 ticks), spent while nothing is served.
  eventually busier_than "$SERVER_PID" $((ticks + 100))
  release_connections
}
