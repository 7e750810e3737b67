#!/usr/bin/env bats
# Exercise 3 of handouts/06-select.md, checked on the reference solution
# (move-to-poll.patch): with poll() and a client table as big as the
# descriptor limit, 1050 clients are all served; none is refused.

load ../../helpers

@test "with poll() and ulimit -n 1100, 1050 held connections are all served" {
  hard=$(ulimit -Hn)
  [[ $hard == unlimited ]] || ((hard >= 1100)) || skip "ulimit -Hn is $hard, below 1100"
  ulimit -S -n 1100 # for the server and for peer hold, as in the exercise
  start_server select -q
  own=$(fd_count "$SERVER_PID")
  hold_connections 1050 $'hi\n' # each echo checked while all are open
  assert_equal "$(fd_count "$SERVER_PID")" $((own + 1050))
  refute file_has "$SERVER_OUT" '^refused'
  release_connections
  run timeout "$DEADLINE" "$LABS/select/client" 127.0.0.1 "$SERVER_PORT" <<<"still serving"
  assert_output "still serving"
}
