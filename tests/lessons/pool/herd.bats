#!/usr/bin/env bats
# Lesson: exercise 5
# Says: one connection to ./server -n 20 wakes all 20 idle workers (each polls the listener), and one accepts: the handout's own commands count 20
load ../../helpers

all_asleep() {
  local w
  for w in $1; do
    [[ $(proc_state "$w") == S ]] || return 1
  done
}

# The handout's own commands (handout_command): save every worker's count of
# voluntary context switches, before and after one client, and count the
# lines that changed.
herd_counted() {
  (cd "$BATS_TEST_TMPDIR" && bash -c "${SAVE/> before/> after}") || return 1
  [[ $(cd "$BATS_TEST_TMPDIR" && bash -c "$COUNT") == "$1" ]]
}

@test "one connection wakes every one of 20 idle workers: the herd is back" {
  [[ -r /proc/self/status ]] || skip "needs Linux's /proc/PID/status"
  SAVE=$(handout_command 08-pool.md herd 'for w in $(pgrep -P P)')
  COUNT=$(handout_command 08-pool.md herd 'diff before after')
  start_server pool -q -n 20
  SAVE=${SAVE//pgrep -P P)/pgrep -P $SERVER_PID)}
  [[ $SAVE == *"> before" ]]
  eventually prints 20 pgrep -c -P "$SERVER_PID"
  eventually all_asleep "$(pgrep -P "$SERVER_PID")"
  (cd "$BATS_TEST_TMPDIR" && bash -c "$SAVE")
  run timeout "$DEADLINE" "$LABS/pool/client" 127.0.0.1 "$SERVER_PORT" <<<"one"
  assert_output "ONE"
  eventually herd_counted 20
}
