#!/usr/bin/env bats
# Lesson: exercise 6
# Says: with -n 1 -t 2, a client that sends a byte every second (peer trickle) is never closed and holds the pool; one that waits 3 s between bytes is closed after 2 s

load ../../helpers

# start_handout_server : the handout's ./server -n 1 -t 2.
start_handout_server() {
  local server words
  server=$(handout_command 08-pool.md trickler './server ')
  read -r -a words <<<"$server"
  start_server pool "${words[@]:1}"
}

# start_handout_trickler NAME MS : the handout's trickler on this test's
# port, a byte every MS milliseconds (1000 as it is; 3000 the second time).
start_handout_trickler() {
  local trickle words
  trickle=$(handout_command 08-pool.md trickler '../../tests/tools/peer trickle ')
  handout_substitute trickle ' 20446 1000' " $SERVER_PORT $2"
  read -r -a words <<<"$trickle"
  [[ $ROOT/labs/pool/${words[0]} -ef $PEER ]] # the path is right from labs/pool
  start_peer "$1" "${words[@]:1}"
}

@test "-t 2: a trickler that sends a byte a second keeps its worker; the next client waits until it leaves" {
  start_handout_server
  start_handout_trickler trickler 1000
  eventually file_has "$BATS_TEST_TMPDIR/trickler.out" '^trickling$'
  start_client late pool 127.0.0.1 "$SERVER_PORT"
  send_line late "my turn?"
  not_within 5000 file_has "$BATS_TEST_TMPDIR/late.out" '^MY TURN\?$'
  refute file_has "$SERVER_OUT" 'silent for'
  refute file_has "$BATS_TEST_TMPDIR/trickler.out" 'closed by the server'
  end_input trickler
  eventually file_has "$BATS_TEST_TMPDIR/trickler.out" '^sent [0-9]+ bytes$'
  eventually file_has "$BATS_TEST_TMPDIR/late.out" '^MY TURN\?$'
}

@test "-t 2: a trickler that waits 3 s between bytes is closed after 2 s of silence" {
  start_handout_server
  start_handout_trickler slower 3000
  eventually file_has "$BATS_TEST_TMPDIR/slower.out" '^closed by the server after 0 bytes$'
  assert file_has "$SERVER_OUT" ': 127\.0\.0\.1 port [0-9]+ silent for 2 s: closing$'
}
