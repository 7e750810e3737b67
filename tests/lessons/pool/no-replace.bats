#!/usr/bin/env bats
# Exercise 2, by hand: with -n 1 and no replacement, one kill leaves a server
# that accepts connections but never answers.
load ../../helpers

# queued_at_server : a connection to the server is established (accepted by
# the kernel, whether or not a process accepted it).
queued_at_server() { ss -Htn state established "( dport = :$SERVER_PORT )" | grep -q .; }

@test "-n 1 without replacement: after kill -KILL of the worker, a client connects but gets no reply" {
  options=$(handout_command 08-pool.md no-replace '-n ') # the handout's -n 1
  read -r -a words <<<"$options"
  start_server pool "${words[@]}"
  eventually pgrep -P "$SERVER_PID" >/dev/null
  worker=$(pgrep -P "$SERVER_PID")
  kill=$(handout_command 08-pool.md no-replace 'kill -KILL') # the handout's
  eval "$kill $worker"
  eventually file_has "$SERVER_OUT" "^worker pid $worker killed by signal 9\$"
  refute file_has "$SERVER_OUT" 'replaces'
  start_client late pool 127.0.0.1 "$SERVER_PORT"
  send_line late "anyone?"
  # The connection is queued on the listening socket the parent holds...
  eventually queued_at_server
  # ... but no worker is left to accept it.
  not_within 1000 file_has "$BATS_TEST_TMPDIR/late.out" 'ANYONE'
  assert_equal "$(pgrep -c -P "$SERVER_PID")" 0
}
