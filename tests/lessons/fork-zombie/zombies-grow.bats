#!/usr/bin/env bats
# Lesson: exercise 6
# Says: 100 connections held and closed leave 100 zombies, 100 more leave 200: the count grows with every client, without bound, while the server serves on

load ../../helpers

# zombies_are N : the handout's count, "ps -o stat= --ppid P | grep -c Z",
# prints N.
zombies_are() { (($(bash -c "$COUNT") == $1)); }

@test "every connection adds a zombie, without bound" {
  ps --ppid 1 -o pid= >/dev/null 2>&1 || skip "this ps has no --ppid (not procps)"
  # The handout's commands: peer hold (what hold_connections runs) and the count.
  hold=$(handout_command 03-fork-zombie.md zombies-grow '../../tests/tools/peer hold ')
  COUNT=$(handout_command 03-fork-zombie.md zombies-grow 'ps -o stat= --ppid P')
  start_server_under_subreaper fork-zombie
  handout_substitute COUNT ' P ' " $SERVER_CHILD_PID "
  assert_equal "$hold" "../../tests/tools/peer hold 127.0.0.1 5100 100 x"
  [[ $ROOT/labs/fork-zombie/../../tests/tools/peer -ef $PEER ]]
  for total in 100 200; do
    hold_connections 100 x
    release_connections
    eventually zombies_are "$total"
    rm "$BATS_TEST_TMPDIR/hold.in"
  done
  # Still serving: the limit is the machine's (ulimit -u, pid_max), not the
  # server's.
  run timeout "$DEADLINE" "$LABS/fork-zombie/client" 127.0.0.1 "$SERVER_PORT" <<<"still here"
  assert_success
  assert_output "still here"
  eventually zombies_are 201
}
