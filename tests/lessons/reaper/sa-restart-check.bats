#!/usr/bin/env bats
# Check of exercise 2's second half (sa-restart.patch): no retry in the
# code, but SIGCHLD installed with SA_RESTART: Linux restarts accept() itself,
# so no "Interrupted system call" line appears.

load ../../helpers

CLIENT="$LABS/reaper/client"

@test "with SA_RESTART, the accept errors are gone (Linux)" {
  [[ $(uname -s) == Linux ]] || skip "restarting accept() after SA_RESTART is Linux's choice; POSIX allows either"
  start_server_under_subreaper reaper -q
  for i in 1 2 3; do
    run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"client $i"
    assert_output "client $i"
  done
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still serving"
  assert_output "still serving"
  assert_equal "$(cat "$SERVER_ERR")" ""
}
