#!/usr/bin/env bats
# Lesson: exercise 6
# Says: a peer that connects and says nothing (peer hold 1) holds the one-peer server: a second client's lines are printed only after it leaves

load ../../helpers

@test "a silent peer holds the chat server; the next peer waits until it leaves" {
  # The handout's silent peer: what hold_connections runs, on this test's port.
  hold=$(handout_command 07-p2p-chat.md idle-peer '../../tests/tools/peer hold ')
  assert_equal "$hold" "../../tests/tools/peer hold 127.0.0.1 5000 1"
  [[ $ROOT/labs/p2p-chat/../../tests/tools/peer -ef $PEER ]]
  start_server_with_fifo p2p-chat
  hold_connections 1 # connected, and never a byte
  eventually file_has "$SERVER_OUT" '^peer connected from '
  start_client B p2p-chat 127.0.0.1 "$SERVER_PORT"
  send_line B "is this thing on?"
  not_within 2000 file_has "$SERVER_OUT" 'is this thing on'
  assert_equal "$(count_lines "$SERVER_OUT" '^peer connected from ')" 1
  release_connections
  eventually file_has "$SERVER_OUT" '^peer left$'
  eventually file_has "$SERVER_OUT" '^peer: is this thing on\?$'
}
