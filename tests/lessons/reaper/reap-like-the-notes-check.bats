#!/usr/bin/env bats
# Check of exercise 3's reference solution (reap-like-the-notes.patch):
# finished children stay zombies until the next client connects; then all
# are reaped, and that client's own child is the one zombie left.

load ../../helpers

CLIENT="$LABS/reaper/client"

# zombies_are N : exercise 1's count, "ps -o stat= --ppid P | grep -c Z",
# prints N (ps --ppid is procps', as on every Linux distribution).
zombies_are() { (($(bash -c "$COUNT") == $1)); }
zombies_are_not() { ! zombies_are "$1"; }

@test "50 zombies stay while nobody connects; the next client reaps them, and leaves 1" {
  ps --ppid 1 -o pid= >/dev/null 2>&1 || skip "this ps has no --ppid (not procps)"
  # The handout's server options, burst and count.
  server=$(handout_command 04-reaper.md reap-like-the-notes './server ')
  burst=$(handout_command 04-reaper.md reap-like-the-notes './client ')
  COUNT=$(handout_command 04-reaper.md one-wait-per-signal 'ps -o stat= --ppid P')
  read -r -a words <<<"$server"
  start_server_under_subreaper reaper "${words[@]:1}"
  handout_substitute COUNT ' P ' " $SERVER_CHILD_PID "
  handout_substitute burst ./client "timeout 20 '$CLIENT'"
  run bash -c "$burst 127.0.0.1 $SERVER_PORT"
  assert_success
  eventually zombies_are 50
  not_within 500 zombies_are_not 50
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"next"
  assert_output "next"
  eventually zombies_are 1
  # The stop handler reaps what is left: nothing for the subreaper to adopt.
  stop_server
  refute file_has "$SERVER_ERR" 'adopted'
}
