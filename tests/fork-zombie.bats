#!/usr/bin/env bats
# fork-zombie: a child per connection that nobody waits for, and a client
# that forks and reaps. Every server here runs under tests/tools/subreaper
# (start_server_under_subreaper): its zombies outlive it, and on these
# machines PID 1 would never reap them.

load helpers

CLIENT="$LABS/fork-zombie/client"
SUBREAPER="$TESTS_DIR/tools/subreaper"

start_fork_server() { start_server_under_subreaper fork-zombie "$@"; }

# child_of_connection N : the pid of the child that served the Nth connection.
child_of_connection() {
  sed -n 's/^child pid \([0-9]*\) (parent pid [0-9]*) serves .*/\1/p' "$SERVER_OUT" | sed -n "$1p"
}

# zombies_are N : the server has exactly N zombie children.
zombies_are() { (($(zombie_children "$SERVER_CHILD_PID") == $1)); }
zombies_are_not() { ! zombies_are "$1"; }

# serving_children_are N : exactly N children are alive (sleeping in read).
serving_children_are() { (($(child_pids "$SERVER_CHILD_PID" S | wc -l) == $1)); }

# log_has N REGEX : exactly N lines of the server's log match REGEX.
log_has() { (($(count_lines "$SERVER_OUT" "$2") == $1)); }

# adopted_pids : the pids the subreaper reaped after the server left them.
adopted_pids() {
  sed -n 's/^subreaper: reaped adopted pid \([0-9]*\), .*/\1/p' "$SERVER_ERR" | sort -n
}

@test "the server says where it listens, on the port the kernel chose" {
  start_fork_server
  first_line_names_server
}

@test "the client echoes a line; the log names the parent and the child" {
  start_fork_server
  run --separate-stderr timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"hello"
  assert_success
  assert_output "hello"
  eventually file_has "$SERVER_OUT" '^child pid [0-9]+: 127\.0\.0\.1 port [0-9]+ closed$'
  assert file_has "$SERVER_OUT" "^parent pid $SERVER_CHILD_PID: connection from 127\\.0\\.0\\.1 port [0-9]+\$"
  child=$(child_of_connection 1)
  assert file_has "$SERVER_OUT" "^child pid $child \\(parent pid $SERVER_CHILD_PID\\) serves 127\\.0\\.0\\.1 port [0-9]+\$"
  refute [ "$child" = "$SERVER_CHILD_PID" ]
}

@test "piped input gets no prompt: the output is exactly the replies" {
  start_fork_server
  printf 'one\ntwo\n\nthree words here\n' >"$BATS_TEST_TMPDIR/in"
  timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "a line that is q or Q ends the client without sending it" {
  start_fork_server
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'a\nq\nb'
  assert_success
  assert_output "a"
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'Q\nc'
  assert_success
  assert_output ""
}

@test "two clients are served at the same time, each by a child of its own" {
  start_fork_server
  start_client first fork-zombie 127.0.0.1 "$SERVER_PORT"
  send_line first "from the first"
  eventually file_has "$BATS_TEST_TMPDIR/first.out" "^from the first$"
  start_client second fork-zombie 127.0.0.1 "$SERVER_PORT"
  send_line second "from the second"
  eventually file_has "$BATS_TEST_TMPDIR/second.out" "^from the second$"
  assert_equal "$(child_pids "$SERVER_CHILD_PID" | wc -l)" 2
  end_input first
  end_input second
  client_exits first
  client_exits second
}

@test "every finished connection leaves a zombie child while the server runs" {
  start_fork_server
  for i in 1 2 3 4 5; do
    run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"connection $i"
    assert_output "connection $i"
  done
  eventually zombies_are 5
  # The zombies are exactly the children the log names.
  assert_equal "$(child_pids "$SERVER_CHILD_PID" Z | sort -n)" "$(for i in 1 2 3 4 5; do child_of_connection "$i"; done | sort -n)"
  run ps -o stat=,cmd= --ppid "$SERVER_CHILD_PID"
  assert_line --regexp '^Z +\[server\] <defunct>$'
  # Nobody reaps them while the server lives.
  not_within 300 zombies_are_not 5
}

@test "once the server exits, its zombies are adopted and reaped by another" {
  start_fork_server
  for i in 1 2 3; do
    timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"hi" >/dev/null
  done
  eventually zombies_are 3
  zombies=$(child_pids "$SERVER_CHILD_PID" Z | sort -n)
  stop_server
  # The subreaper reaped them: it became their parent when the server died.
  assert_equal "$(adopted_pids)" "$zombies"
  for pid in $zombies; do
    refute [ -e "/proc/$pid" ]
  done
}

@test "a child holds only its connection, not the listening socket" {
  start_fork_server
  start_client talker fork-zombie 127.0.0.1 "$SERVER_PORT"
  send_line talker "hello"
  eventually file_has "$BATS_TEST_TMPDIR/talker.out" '^hello$'
  child=$(child_of_connection 1)
  assert_equal "$(find "/proc/$child/fd" -lname 'socket:*' | wc -l)" 1
  assert_equal "$(find "/proc/$SERVER_CHILD_PID/fd" -lname 'socket:*' | wc -l)" 1
  end_input talker
  client_exits talker
}

@test "the parent's descriptor count stays flat over 200 connections" {
  start_fork_server
  before=$(fd_count "$SERVER_CHILD_PID")
  for i in $(seq 1 200); do
    exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
    printf 'line %d\n' "$i" >&"$sock"
    read -r -t "$DEADLINE" reply <&"$sock"
    exec {sock}>&-
    assert_equal "$reply" "line $i"
  done
  eventually zombies_are 200
  assert_equal "$(fd_count "$SERVER_CHILD_PID")" "$before"
}

@test "SIGTERM stops the children still serving; the server exits 0" {
  start_fork_server
  timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"done already" >/dev/null
  eventually zombies_are 1
  finished=$(child_pids "$SERVER_CHILD_PID" Z)
  hold_connections 3 hello
  eventually serving_children_are 3
  serving=$(child_pids "$SERVER_CHILD_PID" S | sort -n)
  stop_server TERM
  # The three serving children were killed by SIGTERM (128 + 15); the one
  # that had finished was left a zombie, and was adopted like them.
  for pid in $serving; do
    assert file_has "$SERVER_ERR" "^subreaper: reaped adopted pid $pid, exit status 143\$"
  done
  assert file_has "$SERVER_ERR" "^subreaper: reaped adopted pid $finished, exit status 0\$"
  release_connections
}

@test "SIGINT stops the server with status 0 too" {
  start_fork_server
  hold_connections 2 hello
  stop_server INT
  release_connections
}

@test "-n N runs N children, each with its own connection and pid" {
  start_fork_server
  run --separate-stderr timeout 20 "$CLIENT" -n 5 127.0.0.1 "$SERVER_PORT" <<<$'one\ntwo'
  assert_success
  assert_equal "$(grep -cE '^pid [0-9]+: one$' <<<"$output")" 5
  assert_equal "$(grep -cE '^pid [0-9]+: two$' <<<"$output")" 5
  pids=$(sed -n 's/^pid \([0-9]*\): one$/\1/p' <<<"$output" | sort -n)
  assert_equal "$(sort -u <<<"$pids" | wc -l)" 5
  # Each child's lines come in order, and its parent reaped it.
  for pid in $pids; do
    assert_equal "$(grep "^pid $pid: " <<<"$output")" "pid $pid: one"$'\n'"pid $pid: two"
    assert_line --regexp "^pid $pid reaped by parent pid [0-9]+, exit status 0\$"
  done
  eventually log_has 5 'closed$'
}

@test "the -n client leaves no zombie of its own" {
  start_fork_server
  # Under a subreaper, a child the client failed to reap would be adopted
  # and reported as such.
  run --separate-stderr timeout 20 "$SUBREAPER" -v "$CLIENT" -n 4 127.0.0.1 "$SERVER_PORT" <<<"hi"
  assert_success
  assert_equal "$(grep -c 'reaped by parent' <<<"$output")" 4
  # shellcheck disable=SC2154 # set by run --separate-stderr
  assert_equal "$stderr" ""
}

@test "-n reports a child that fails and exits 1" {
  start_fork_server
  port=$SERVER_PORT
  stop_server
  run --separate-stderr timeout 20 "$CLIENT" -n 2 127.0.0.1 "$port" <<<"anyone?"
  assert_failure 1
  assert_equal "$(grep -cE '^pid [0-9]+ reaped by parent pid [0-9]+, exit status 1$' <<<"$output")" 2
  # shellcheck disable=SC2154 # set by run --separate-stderr
  assert_equal "$(grep -c "^client: connect to 127.0.0.1 port $port: Connection refused\$" <<<"$stderr")" 2
}

@test "binary bytes, NUL included, come back byte-exact" {
  start_fork_server
  every_byte >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "a 1 MiB line comes back byte-exact" {
  start_fork_server
  head -c 1048576 /dev/urandom | tr '\n' x >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "localhost reaches a server bound to 127.0.0.1 only" {
  start_fork_server -b 127.0.0.1
  run localhost_ipv6_first timeout 20 "$CLIENT" localhost "$SERVER_PORT" <<<"via localhost"
  assert_success
  assert_output "via localhost"
}

@test "-b ::1 serves IPv6" {
  has_ipv6 || skip "this machine has no IPv6"
  start_fork_server -b ::1
  assert file_has "$SERVER_OUT" '^listening on ::1 port [0-9]+ \(pid [0-9]+\)$'
  run timeout 20 "$CLIENT" ::1 "$SERVER_PORT" <<<"over IPv6"
  assert_output "over IPv6"
  eventually file_has "$SERVER_OUT" '^parent pid [0-9]+: connection from ::1 port [0-9]+$'
}

@test "-b 0.0.0.0 serves every IPv4 interface" {
  start_fork_server -b 0.0.0.0
  assert file_has "$SERVER_OUT" '^listening on 0\.0\.0\.0 port [0-9]+ \(pid [0-9]+\)$'
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"any"
  assert_output "any"
}

@test "-q silences the per-connection log lines" {
  start_fork_server -q
  run timeout 20 "$CLIENT" -n 2 127.0.0.1 "$SERVER_PORT" <<<"quiet"
  assert_success
  eventually zombies_are 2
  stop_server
  run cat "$SERVER_OUT"
  assert_line --index 0 --regexp '^listening on '
  assert_equal "${#lines[@]}" 1 # nothing but the listening line
}

@test "a bad command line exits 2 with a usage line" {
  for args in "-x" "65536" "-1" "port" "12ab" "1 2" "-b"; do
    # shellcheck disable=SC2086 # split on purpose: one case, several words
    run timeout 20 "$LABS/fork-zombie/server" $args
    assert_failure 2
    assert_line --partial "usage: server [-b ADDR] [-q] [PORT]"
  done
  for args in "-x" "localhost 65536" "localhost port" "a 1 2" "-n" "-n 0" "-n x" "-n -2" "-n 1001" "-n 3x"; do
    # shellcheck disable=SC2086
    run timeout 20 "$CLIENT" $args </dev/null
    assert_failure 2
    assert_line --partial "usage: client [-n N] [HOST [PORT]]"
  done
}

@test "a bind address that is not numeric exits 2" {
  run timeout 20 "$LABS/fork-zombie/server" -b not-an-address 0
  assert_failure 2
  assert_line --partial "bad address 'not-an-address'"
}

@test "a port in use exits 1 and says bind failed and why" {
  start_fork_server
  run timeout 20 "$LABS/fork-zombie/server" "$SERVER_PORT"
  assert_failure 1
  assert_output "server: bind 127.0.0.1 port $SERVER_PORT: Address already in use"
}

@test "a refused connection exits 1 and says so" {
  start_fork_server
  port=$SERVER_PORT
  stop_server
  run timeout 20 "$CLIENT" 127.0.0.1 "$port" <<<"anyone?"
  assert_failure 1
  assert_output "client: connect to 127.0.0.1 port $port: Connection refused"
}

@test "an unknown host exits 1 and says so" {
  run timeout 20 "$CLIENT" no-such-host.invalid 5100 </dev/null
  assert_failure 1
  assert_output --partial "client: no-such-host.invalid port 5100: "
}

@test "a client that resets its connection leaves the server serving" {
  start_fork_server
  run timeout 20 "$PEER" reset 127.0.0.1 "$SERVER_PORT"
  assert_success
  eventually file_has "$SERVER_OUT" 'closed$'
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still here"
  assert_output "still here"
}

@test "a client that stops reading and leaves does not stop the server" {
  start_fork_server
  run timeout 20 "$PEER" flood 127.0.0.1 "$SERVER_PORT"
  assert_success
  eventually file_has "$SERVER_ERR" 'write to 127\.0\.0\.1 port [0-9]+: (Connection reset by peer|Broken pipe)'
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still here"
  assert_output "still here"
}

@test "the client says so when the child serving it dies" {
  start_fork_server
  start_client talker fork-zombie 127.0.0.1 "$SERVER_PORT"
  send_line talker "before"
  eventually file_has "$BATS_TEST_TMPDIR/talker.out" '^before$'
  kill -KILL "$(child_of_connection 1)"
  send_line talker "after"
  client_exits talker
  assert_equal "$CLIENT_STATUS" 1
  run cat "$BATS_TEST_TMPDIR/talker.err"
  assert_output --regexp '^client: (the server closed the connection before replying in full|send: Broken pipe|receive: Connection reset by peer)$'
  # The parent lives on and serves the next client.
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"next"
  assert_output "next"
}
