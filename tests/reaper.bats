#!/usr/bin/env bats
# reaper: the fork-per-connection server that reaps every child with a
# SIGCHLD handler looping on waitpid(WNOHANG), and the client's -c burst.
# The servers run under tests/tools/subreaper (start_server_under_subreaper),
# which reports anything the server would leave for PID 1 to adopt.

load helpers

CLIENT="$LABS/reaper/client"

start_reaper() { start_server_under_subreaper reaper "$@"; }

# child_of_connection N : the pid of the child that served the Nth connection.
child_of_connection() {
  sed -n 's/^child pid \([0-9]*\) (parent pid [0-9]*) serves .*/\1/p' "$SERVER_OUT" | sed -n "$1p"
}

# log_has N REGEX : exactly N lines of the server's log match REGEX.
log_has() { count_is "$1" "$SERVER_OUT" "$2"; }

# children_are N : the server has exactly N children, zombies included.
children_are() { (($(child_pids "$SERVER_CHILD_PID" | wc -l) == $1)); }

# no_child_left_within MS : within MS milliseconds the server has no child
# left, running or zombie (every one of them reaped).
no_child_left_within() {
  wait_until "$1" children_are 0 && return 0
  echo "after $1 ms the server still has children:" >&2
  ps -o pid,ppid,stat,cmd --ppid "$SERVER_CHILD_PID" >&2
  return 1
}

@test "the server says where it listens, on the port the kernel chose" {
  start_reaper
  first_line_names_server
}

@test "a child that ends is reaped at once, and its exit status logged" {
  start_reaper
  run --separate-stderr timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"hello"
  assert_success
  assert_output "hello"
  eventually file_has "$SERVER_OUT" "reaped child pid"
  child=$(child_of_connection 1)
  assert file_has "$SERVER_OUT" "^parent pid $SERVER_CHILD_PID: connection from 127\\.0\\.0\\.1 port [0-9]+\$"
  assert file_has "$SERVER_OUT" "^child pid $child \\(parent pid $SERVER_CHILD_PID\\) serves 127\\.0\\.0\\.1 port [0-9]+\$"
  assert file_has "$SERVER_OUT" "^child pid $child: 127\\.0\\.0\\.1 port [0-9]+ closed\$"
  assert file_has "$SERVER_OUT" "^parent pid $SERVER_CHILD_PID: reaped child pid $child, exit status 0\$"
  assert_equal "$(zombie_children "$SERVER_CHILD_PID")" 0
  refute [ -e "/proc/$child" ]
}

@test "a child killed by a signal is reaped, and the signal logged" {
  start_reaper
  start_client talker reaper 127.0.0.1 "$SERVER_PORT"
  send_line talker "before"
  eventually file_has "$BATS_TEST_TMPDIR/talker.out" '^before$'
  child=$(child_of_connection 1)
  kill -KILL "$child"
  eventually file_has "$SERVER_OUT" "^parent pid $SERVER_CHILD_PID: reaped child pid $child, killed by signal 9\$"
  send_line talker "after"
  client_exits talker
  assert_equal "$CLIENT_STATUS" 1
  run cat "$BATS_TEST_TMPDIR/talker.err"
  assert_output --regexp '^client: (the server closed the connection before replying in full|send: Broken pipe|receive: Connection reset by peer)$'
}

@test "piped input gets no prompt: the output is exactly the replies" {
  start_reaper
  printf 'one\ntwo\n\nthree words here\n' >"$BATS_TEST_TMPDIR/in"
  timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "a line that is q or Q ends the client without sending it" {
  start_reaper
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'a\nq\nb'
  assert_success
  assert_output "a"
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'Q\nc'
  assert_success
  assert_output ""
}

@test "two clients are served at the same time, each by a child of its own" {
  start_reaper
  start_client first reaper 127.0.0.1 "$SERVER_PORT"
  send_line first "from the first"
  eventually file_has "$BATS_TEST_TMPDIR/first.out" "^from the first$"
  start_client second reaper 127.0.0.1 "$SERVER_PORT"
  send_line second "from the second"
  eventually file_has "$BATS_TEST_TMPDIR/second.out" "^from the second$"
  assert children_are 2
  end_input first
  end_input second
  client_exits first
  client_exits second
  eventually children_are 0
}

@test "client -c 100: a burst of closes leaves no zombie within a second" {
  start_reaper
  run --separate-stderr timeout 20 "$CLIENT" -c 100 127.0.0.1 "$SERVER_PORT"
  assert_success
  assert_equal "${#lines[@]}" 100
  assert_line --index 0 "connection 1 of 100"
  assert_line --index 99 "connection 100 of 100"
  no_child_left_within 1000
  eventually log_has 100 'reaped child pid [0-9]+, exit status 0$'
  # accept() was interrupted by SIGCHLD over and over, and called again.
  refute file_has "$SERVER_ERR" 'accept'
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still serving"
  assert_output "still serving"
}

@test "a child that ends while the parent waits in accept() causes no error" {
  start_reaper
  # One client at a time: each child ends while the parent sits in accept(),
  # so each SIGCHLD interrupts accept() (EINTR), which must be called again.
  for i in 1 2 3; do
    run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"client $i"
    assert_output "client $i"
    eventually log_has "$i" 'reaped child pid [0-9]+, exit status 0$'
  done
  # This one is served only after the parent is back in accept(), so any
  # error logged for the interruptions is on stderr by now.
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still serving"
  assert_output "still serving"
  assert_equal "$(cat "$SERVER_ERR")" ""
}

@test "100 connections closed at once by another client leave no zombie" {
  start_reaper
  hold_connections 100 hello
  assert children_are 100
  release_connections
  no_child_left_within 1000
  eventually log_has 100 'reaped child pid [0-9]+, exit status 0$'
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still serving"
  assert_output "still serving"
}

@test "no log line is lost when SIGCHLD interrupts a write to a full stdout pipe" {
  # The server's stdout is a one-page pipe that slow-reader empties. With the
  # reader stopped, the pipe fills and the parent waits in write(); a child
  # killed then sends SIGCHLD, which interrupts that write (no SA_RESTART).
  log="$BATS_TEST_TMPDIR/log"
  spawn /dev/null "$log" "$BATS_TEST_TMPDIR/server.err" \
    bash -c '"$1" 0 | "$2" 4096 1' _ "$LABS/reaper/server" "$TESTS_DIR/tools/slow-reader"
  eventually file_has "$log" '^listening on .* port [0-9]+ \(pid [0-9]+\)$' # the whole line
  server=$(sed -n '1s/^listening on .* (pid \([0-9]*\))$/\1/p' "$log")
  SERVER_PORT=$(sed -n '1s/^listening on .* port \([0-9]*\) (pid [0-9]*)$/\1/p' "$log")
  reader=$(child_pids "$SPAWNED_PID" | grep -vx "$server")
  kill -STOP "$reader"
  hold_connections 100
  eventually wchan_is "$server" '*pipe_write' # Linux: (anon_)pipe_write
  child=$(child_pids "$server" | head -n 1)
  kill -KILL "$child"
  eventually is_reaped "$child" # the handler has run
  kill -CONT "$reader"
  release_connections
  eventually count_is 100 "$log" ': reaped child pid '
  assert_equal "$(count_lines "$log" '^parent pid [0-9]+: connection from 127\.0\.0\.1 port [0-9]+$')" 100
  kill -TERM "$server"
}

@test "a child holds only its connection, not the listening socket" {
  start_reaper
  start_client talker reaper 127.0.0.1 "$SERVER_PORT"
  send_line talker "hello"
  eventually file_has "$BATS_TEST_TMPDIR/talker.out" '^hello$'
  child=$(child_of_connection 1)
  assert_equal "$(find "/proc/$child/fd" -lname 'socket:*' | wc -l)" 1
  assert_equal "$(find "/proc/$SERVER_CHILD_PID/fd" -lname 'socket:*' | wc -l)" 1
  end_input talker
  client_exits talker
}

@test "the parent's descriptor count stays flat over 200 connections" {
  start_reaper
  before=$(fd_count "$SERVER_CHILD_PID")
  for i in $(seq 1 200); do
    exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
    printf 'line %d\n' "$i" >&"$sock"
    read -r -t "$DEADLINE" reply <&"$sock"
    exec {sock}>&-
    assert_equal "$reply" "line $i"
  done
  eventually log_has 200 'reaped child pid'
  assert_equal "$(fd_count "$SERVER_CHILD_PID")" "$before"
}

@test "SIGTERM stops the children still serving and leaves nothing to adopt" {
  start_reaper
  hold_connections 3 hello
  assert children_are 3
  stop_server TERM
  # The server reaped its children itself: the subreaper adopted none.
  refute file_has "$SERVER_ERR" 'adopted'
  release_connections
}

@test "SIGINT stops the server with status 0 too" {
  start_reaper
  hold_connections 2 hello
  stop_server INT
  refute file_has "$SERVER_ERR" 'adopted'
  release_connections
}

@test "binary bytes, NUL included, come back byte-exact" {
  start_reaper
  every_byte >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "a 1 MiB line comes back byte-exact" {
  start_reaper
  head -c 1048576 /dev/urandom | tr '\n' x >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "localhost reaches a server bound to 127.0.0.1 only" {
  start_reaper -b 127.0.0.1
  run localhost_ipv6_first timeout 20 "$CLIENT" localhost "$SERVER_PORT" <<<"via localhost"
  assert_success
  assert_output "via localhost"
  run localhost_ipv6_first timeout 20 "$CLIENT" -c 3 localhost "$SERVER_PORT"
  assert_success
  assert_line "connection 3 of 3"
}

@test "-b ::1 serves IPv6" {
  has_ipv6 || skip "this machine has no IPv6"
  start_reaper -b ::1
  assert file_has "$SERVER_OUT" '^listening on ::1 port [0-9]+ \(pid [0-9]+\)$'
  run timeout 20 "$CLIENT" ::1 "$SERVER_PORT" <<<"over IPv6"
  assert_output "over IPv6"
  eventually file_has "$SERVER_OUT" '^parent pid [0-9]+: connection from ::1 port [0-9]+$'
}

@test "-b 0.0.0.0 serves every IPv4 interface" {
  start_reaper -b 0.0.0.0
  assert file_has "$SERVER_OUT" '^listening on 0\.0\.0\.0 port [0-9]+ \(pid [0-9]+\)$'
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"any"
  assert_output "any"
}

@test "-q silences the per-connection and reaping log lines" {
  start_reaper -q
  run timeout 20 "$CLIENT" -c 5 127.0.0.1 "$SERVER_PORT"
  assert_success
  eventually children_are 0
  stop_server
  run cat "$SERVER_OUT"
  assert_line --index 0 --regexp '^listening on '
  assert_equal "${#lines[@]}" 1 # nothing but the listening line
}

@test "a bad command line exits 2 with a usage line" {
  for args in "-x" "65536" "-1" "port" "12ab" "1 2" "-b"; do
    # shellcheck disable=SC2086 # split on purpose: one case, several words
    run timeout 20 "$LABS/reaper/server" $args
    assert_failure 2
    assert_line --partial "usage: server [-b ADDR] [-q] [PORT]"
  done
  for args in "-x" "localhost 65536" "localhost port" "a 1 2" "-c" "-c 0" "-c x" "-c -2" "-c 1001" "-c 3x"; do
    # shellcheck disable=SC2086
    run timeout 20 "$CLIENT" $args </dev/null
    assert_failure 2
    assert_line --partial "usage: client [-c N] [HOST [PORT]]"
  done
}

@test "a bind address that is not numeric exits 2" {
  run timeout 20 "$LABS/reaper/server" -b not-an-address 0
  assert_failure 2
  assert_line --partial "bad address 'not-an-address'"
}

@test "a port in use exits 1 and says bind failed and why" {
  start_reaper
  run timeout 20 "$LABS/reaper/server" "$SERVER_PORT"
  assert_failure 1
  assert_output "server: bind 127.0.0.1 port $SERVER_PORT: Address already in use"
}

@test "a refused connection exits 1 and says so, with or without -c" {
  start_reaper
  port=$SERVER_PORT
  stop_server
  run timeout 20 "$CLIENT" 127.0.0.1 "$port" <<<"anyone?"
  assert_failure 1
  assert_output "client: connect to 127.0.0.1 port $port: Connection refused"
  run timeout 20 "$CLIENT" -c 3 127.0.0.1 "$port"
  assert_failure 1
  assert_output "client: connect to 127.0.0.1 port $port: Connection refused"
}

@test "an unknown host exits 1 and says so" {
  run timeout 20 "$CLIENT" no-such-host.invalid 5200 </dev/null
  assert_failure 1
  assert_output --partial "client: no-such-host.invalid port 5200: "
}

@test "a client that resets its connection leaves the server serving" {
  start_reaper
  run timeout 20 "$PEER" reset 127.0.0.1 "$SERVER_PORT"
  assert_success
  eventually file_has "$SERVER_OUT" 'reaped child pid'
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still here"
  assert_output "still here"
}

@test "a client that stops reading and leaves does not stop the server" {
  start_reaper
  run timeout 20 "$PEER" flood 127.0.0.1 "$SERVER_PORT"
  assert_success
  eventually file_has "$SERVER_ERR" 'write to 127\.0\.0\.1 port [0-9]+: (Connection reset by peer|Broken pipe)'
  run timeout 20 "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still here"
  assert_output "still here"
}
