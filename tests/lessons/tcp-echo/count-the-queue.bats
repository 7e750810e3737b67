#!/usr/bin/env bats
# Lesson: exercise 4
# Says: with A served, three more clients wait in the accept queue: LISTEN's Recv-Q is 3, then 2 when A leaves

load ../../helpers

# The Recv-Q of the LISTEN line that the handout's own ss command prints.
listen_recv_q() {
  bash -c "$SS" | awk '$1 == "LISTEN" { print $2 }'
}

queue_is() { [[ $(listen_recv_q) == "$1" ]]; }

@test "the LISTEN line's Recv-Q counts the clients waiting for accept" {
  SS=$(handout_command 01-tcp-echo.md count-the-queue 'ss ')
  start_server tcp-echo
  handout_substitute SS :5090 ":$SERVER_PORT"
  start_client A tcp-echo 127.0.0.1 "$SERVER_PORT"
  send_line A "first"
  eventually file_has "$BATS_TEST_TMPDIR/A.out" '^first$'
  # One at a time, as a student starts them: the queue is first come, first
  # served, and B must be the one served when A leaves.
  queued=0
  for name in B C D; do
    start_client "$name" tcp-echo 127.0.0.1 "$SERVER_PORT"
    queued=$((queued + 1))
    eventually queue_is "$queued"
  done
  end_input A
  client_exits A
  eventually queue_is 2
  end_input B
  client_exits B
  eventually queue_is 1
}
