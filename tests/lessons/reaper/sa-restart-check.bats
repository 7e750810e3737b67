#!/usr/bin/env bats
# Check of exercise 2's second half (sa-restart.patch): no retry in the
# code, but SIGCHLD installed with SA_RESTART: Linux restarts accept() itself,
# so no "Interrupted system call" line appears.

load ../../helpers

CLIENT="$LABS/reaper/client"

@test "with SA_RESTART, the accept errors are gone (Linux)" {
  [[ $(uname -s) == Linux ]] || skip "restarting accept() after SA_RESTART is Linux's choice; POSIX allows either"
  # The handout's client, run three times, one after the other.
  client=$(handout_command 04-reaper.md sa-restart "printf 'hi")
  start_server_under_subreaper reaper -q
  handout_substitute client ./client "timeout 20 '$CLIENT' 127.0.0.1 $SERVER_PORT"
  for _ in 1 2 3; do
    run bash -c "$client"
    assert_output "hi"
  done
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still serving"
  assert_output "still serving"
  assert_equal "$(cat "$SERVER_ERR")" ""
}
