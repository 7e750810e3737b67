#!/usr/bin/env bats
# Lesson: exercise 1
# Says: two runs of client -n 20 leave 40 zombies (ps --ppid P); once the server stops, the subreaper adopts and reaps all 40

load ../../helpers

CLIENT="$LABS/fork-zombie/client"

# zombies_counted_are P N : the handout's count, "ps -o stat= --ppid P |
# grep -c Z", prints N (ps --ppid is procps', as on every Linux distribution).
zombies_counted_are() {
  local count=$COUNT
  handout_substitute count ' P ' " $1 "
  [[ $(bash -c "$count") == "$2" ]]
}

@test "client -n 20 twice: 40 zombies; after the server stops, none" {
  ps --ppid 1 -o pid= >/dev/null 2>&1 || skip "this ps has no --ppid (not procps)"
  # The handout's commands: the client, the count, and ps -p of the children.
  CLIENT_RUN=$(handout_command 03-fork-zombie.md count-the-zombies "printf 'x")
  COUNT=$(handout_command 03-fork-zombie.md count-the-zombies 'ps -o stat= --ppid P')
  PS_P=$(handout_command 03-fork-zombie.md count-the-zombies 'ps -o pid= -p ')
  start_server_under_subreaper fork-zombie
  handout_substitute CLIENT_RUN ./client "timeout 20 '$CLIENT'"
  handout_substitute CLIENT_RUN ' -n 20' " -n 20 127.0.0.1 $SERVER_PORT"
  # P, as a student reads it: the first line of the server's output.
  P=$(sed -n '1s/^listening on .* (pid \([0-9]*\))$/\1/p' "$SERVER_OUT")
  assert_equal "$P" "$SERVER_CHILD_PID"
  for _ in 1 2; do
    run bash -c "$CLIENT_RUN"
    assert_success
  done
  eventually zombies_counted_are "$P" 40
  children=$(sed -n 's/^child pid \([0-9]*\) .*/\1/p' "$SERVER_OUT" | paste -sd,)
  assert_equal "$(tr ',' '\n' <<<"$children" | wc -l)" 40
  stop_server INT
  # The subreaper (the server's parent here, in place of PID 1) adopted the
  # 40 zombies and reaped them: ps -p finds none of them.
  assert_equal "$(grep -c '^subreaper: reaped adopted pid' "$SERVER_ERR")" 40
  handout_substitute PS_P C1,C2 "$children"
  run bash -c "$PS_P"
  assert_output ""
  # The count now prints 0 too, as it would for a wrong P: 0 alone proves nothing.
  zombies_counted_are "$P" 0
}
