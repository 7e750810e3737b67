#!/usr/bin/env bats
# Solution 4: a killed peer and a peer that typed q are told apart.
load ../../helpers

@test "after kill -9 of the client the server says it vanished without a goodbye" {
  start_server_with_fifo p2p-chat
  start_client alice p2p-chat 127.0.0.1 "$SERVER_PORT"
  eventually file_has "$SERVER_OUT" '^peer connected'
  kill=$(handout_command 07-p2p-chat.md say-goodbye 'kill -9') # the handout's
  eval "$kill ${CLIENT_PID[alice]}"
  eventually file_has "$SERVER_OUT" '^peer vanished without a goodbye$'
  refute file_has "$SERVER_OUT" '^peer left$'
}

@test "after q at the client the server still says peer left, and /bye is not printed" {
  start_server_with_fifo p2p-chat
  start_client alice p2p-chat 127.0.0.1 "$SERVER_PORT"
  eventually file_has "$SERVER_OUT" '^peer connected'
  send_line alice "bye now"
  send_line alice "q"
  eventually file_has "$SERVER_OUT" '^peer left$'
  assert file_has "$SERVER_OUT" '^peer: bye now$'
  refute file_has "$SERVER_OUT" 'bye$'
  refute file_has "$SERVER_OUT" 'vanished'
}
