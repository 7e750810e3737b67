#!/usr/bin/env bats
# Lesson: exercise 5
# Says: one connection to ./server -n 20 wakes all 20 idle workers (each polls the listener), and one accepts
load ../../helpers

switches() {
  local w
  for w in $1; do
    awk '/^voluntary_ctxt_switches:/ { print $2 }' "/proc/$w/status"
  done
}

all_asleep() {
  local w
  for w in $1; do
    [[ $(proc_state "$w") == S ]] || return 1
  done
}

changed_count() { paste "$1" <(switches "$2") | awk '$1 != $2' | wc -l; }

@test "one connection wakes every one of 20 idle workers: the herd is back" {
  [[ -r /proc/self/status ]] || skip "needs Linux's /proc/PID/status"
  start_server pool -q -n 20
  eventually eval "(( \$(pgrep -c -P $SERVER_PID) == 20 ))"
  workers=$(pgrep -P "$SERVER_PID")
  eventually all_asleep "$workers"
  switches "$workers" >"$BATS_TEST_TMPDIR/before"
  run timeout "$DEADLINE" "$LABS/pool/client" 127.0.0.1 "$SERVER_PORT" <<<"one"
  assert_output "ONE"
  eventually eval "(( \$(changed_count $BATS_TEST_TMPDIR/before '$workers') == 20 ))"
}
