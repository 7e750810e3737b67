#!/usr/bin/env bats
# Exercise 3 of handouts/06-select.md, checked on the reference solution
# (move-to-poll.patch): with poll() and a client table as big as the
# descriptor limit, 1050 clients are all served; none is refused.

load ../../helpers

@test "with poll() and ulimit -n 1100, 1050 held connections are all served" {
  hard=$(ulimit -Hn)
  [[ $hard == unlimited ]] || ((hard >= 1100)) || skip "ulimit -Hn is $hard, below 1100"
  # The handout's limit, server, peer hold (hold_connections runs the same
  # on this test's port) and count of the server's descriptors.
  limit=$(handout_command 06-select.md move-to-poll 'ulimit -n ')
  server=$(handout_command 06-select.md move-to-poll './server ')
  hold=$(handout_command 06-select.md move-to-poll '../../tests/tools/peer hold ')
  count=$(handout_command 06-select.md move-to-poll 'ls /proc/P/fd')
  assert_equal "$hold" "../../tests/tools/peer hold 127.0.0.1 5400 1050"
  [[ $ROOT/labs/select/../../tests/tools/peer -ef $PEER ]]
  ulimit -S -n "${limit#ulimit -n }" # for the server and for peer hold, as in the exercise
  read -r -a words <<<"$server"
  start_server select "${words[@]:1}"
  handout_substitute count /P/ "/$SERVER_PID/"
  # Its own 7 descriptors in a terminal; here bats may leave it more.
  own=$(bash -c "$count")
  hold_connections 1050 $'hi\n' # each echo checked while all are open
  assert_equal "$(bash -c "$count")" $((own + 1050))
  refute file_has "$SERVER_OUT" '^refused'
  release_connections
  run timeout "$DEADLINE" "$LABS/select/client" 127.0.0.1 "$SERVER_PORT" <<<"still serving"
  assert_output "still serving"
}
