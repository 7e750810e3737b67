#!/usr/bin/env bats
# Check of exercise 3 (forget-sigpipe.patch): run on the changed server.

load ../../helpers

@test "head -c 100000 /dev/zero > /dev/tcp/... while A is served, then A leaves: the server dies, status 141" {
  # The handout's command for terminal B, sent to this test's port.
  flood=$(handout_command 01-tcp-echo.md forget-sigpipe 'head -c 100000')
  start_server tcp-echo
  handout_substitute flood /5090 "/$SERVER_PORT"
  start_client A tcp-echo 127.0.0.1 "$SERVER_PORT"
  send_line A "first"
  eventually file_has "$BATS_TEST_TMPDIR/A.out" '^first$'
  timeout "$DEADLINE" bash -c "$flood"
  end_input A
  client_exits A
  eventually not is_running "$SERVER_PID"
  status=0
  wait "$SERVER_PID" || status=$?
  SERVER_PID= # nothing left to stop
  assert_equal "$status" 141
  # "its terminal shows no message"
  run cat "$SERVER_ERR"
  assert_output ""
}
