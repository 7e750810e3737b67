#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031 # each @test runs in a subshell: expected
# threads: a detached thread per connection, shared counts behind a mutex,
# and the client's -t N (N threads, each its own connection).

load helpers

CLIENT="$LABS/threads/client"
SERVER="$LABS/threads/server"

# crowd_arrives N [LINE] : tests/tools/peer opens N connections to the
# server at once (and echoes LINE on each, while all are open); they stay
# open until crowd_leaves. Unlike helpers.bash's hold_connections, it can
# run several times in one test, and fails at once if peer does.
crowd_arrives() {
  local fifo="$BATS_TEST_TMPDIR/crowd$((++CROWDS)).in"
  HOLD_OUT="$BATS_TEST_TMPDIR/crowd$CROWDS.out"
  mkfifo "$fifo"
  exec {HOLD_FD}<>"$fifo"
  HELD_FDS+=("$HOLD_FD")
  spawn "$fifo" "$HOLD_OUT" "$BATS_TEST_TMPDIR/crowd$CROWDS.err" \
    "$PEER" hold 127.0.0.1 "$SERVER_PORT" "$@"
  HOLD_PID=$SPAWNED_PID
  eventually holding_or_gone
  if ! file_has "$HOLD_OUT" "^holding"; then
    cat "$BATS_TEST_TMPDIR/crowd$CROWDS.err" >&2
    return 1
  fi
}

# crowd_leaves : close all those connections at the same moment.
crowd_leaves() {
  local status=0
  exec {HOLD_FD}>&-
  eventually holder_gone || return 1
  wait "$HOLD_PID" || status=$?
  assert_equal "$status" 0
}

holder_gone() { ! is_running "$HOLD_PID"; }
holding_or_gone() { file_has "$HOLD_OUT" "^holding" || holder_gone; }

# log_says REGEX COUNT : the server's log has COUNT lines matching REGEX.
log_says() { [[ $(count_lines "$SERVER_OUT" "$1") == "$2" ]]; }

thread_count_is() { [[ $(thread_count "$SERVER_PID") == "$1" ]]; }

# The threads of a server that has served clients and has none now: its
# main thread, plus in a ThreadSanitizer build the runtime's own background
# thread, which it starts at the first pthread_create().
idle_threads() {
  if grep -q -- -fsanitize=thread "$LABS/threads/.build-flags" 2>/dev/null; then
    echo 2
  else
    echo 1
  fi
}

# A sanitizer build reserves terabytes of address space for its shadow
# memory, so a limit on address space cannot be set for it.
sanitized_build() { grep -q -- -fsanitize "$LABS/threads/.build-flags" 2>/dev/null; }

@test "the server says where it listens, on the port the kernel chose" {
  start_server threads
  first_line_names_server
}

@test "the client echoes a line, and the server logs its arrival and departure" {
  start_server threads
  run --separate-stderr "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"hello"
  assert_success
  assert_output "hello"
  eventually file_has "$SERVER_OUT" '^client #1 left \(0 active\)$'
  assert file_has "$SERVER_OUT" '^client #1 from 127\.0\.0\.1 port [0-9]+ \(1 active\)$'
  assert_equal "$(wc -l <"$SERVER_OUT")" 3
}

@test "piped input gets no prompt: the output is exactly the replies" {
  start_server threads
  printf 'one\ntwo\n\nthree words here\n' >"$BATS_TEST_TMPDIR/in"
  "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "a line that is q or Q ends the client without sending it" {
  start_server threads
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'a\nq\nb'
  assert_success
  assert_output "a"
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'Q\nc'
  assert_success
  assert_output ""
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'qq\nq x\n'
  assert_output $'qq\nq x'
}

@test "at end of input the client exits 0 after every reply has arrived" {
  start_server threads
  seq 1 2000 >"$BATS_TEST_TMPDIR/in"
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in"
  assert_success
  assert_output "$(seq 1 2000)"
}

@test "a last line without a newline is echoed as it is" {
  start_server threads
  printf 'no newline' | "$CLIENT" 127.0.0.1 "$SERVER_PORT" >"$BATS_TEST_TMPDIR/out"
  assert_equal "$(od -c "$BATS_TEST_TMPDIR/out")" "$(printf 'no newline' | od -c)"
}

@test "binary bytes, NUL included, come back byte-exact" {
  start_server threads
  every_byte >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "a 1 MiB line comes back byte-exact" {
  start_server threads
  head -c 1048576 /dev/urandom | tr '\n' x >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "two lines in one write are both echoed" {
  start_server threads
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'one\ntwo\n' >&"$sock"
  read -r -t "$DEADLINE" first <&"$sock"
  read -r -t "$DEADLINE" second <&"$sock"
  exec {sock}>&-
  assert_equal "$first" one
  assert_equal "$second" two
}

@test "a line split across two writes comes back whole" {
  start_server threads
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'hel' >&"$sock"
  printf 'lo\n' >&"$sock"
  read -r -t "$DEADLINE" line <&"$sock"
  exec {sock}>&-
  assert_equal "$line" hello
}

@test "a second client is served while the first stays connected" {
  start_server threads
  start_client first threads 127.0.0.1 "$SERVER_PORT"
  send_line first "from the first"
  eventually file_has "$BATS_TEST_TMPDIR/first.out" "^from the first$"

  start_client second threads 127.0.0.1 "$SERVER_PORT"
  send_line second "from the second"
  eventually file_has "$BATS_TEST_TMPDIR/second.out" "^from the second$"
  assert file_has "$SERVER_OUT" '^client #2 from .* \(2 active\)$'
  assert is_running "${CLIENT_PID[first]}"

  end_input first
  client_exits first
  assert_equal "$CLIENT_STATUS" 0
  eventually file_has "$SERVER_OUT" '^client #1 left \(1 active\)$'
  end_input second
  client_exits second
  assert_equal "$CLIENT_STATUS" 0
  eventually file_has "$SERVER_OUT" '^client #2 left \(0 active\)$'
}

@test "the server serves 200 clients connected at once, a thread each" {
  start_server threads
  crowd_arrives 200 "$(printf 'ping\n')" # each echo checked, all 200 open
  assert file_has "$SERVER_OUT" '^client #200 from .* \(200 active\)$'
  assert_equal "$(thread_count "$SERVER_PID")" $((200 + $(idle_threads)))
  crowd_leaves
}

@test "the thread count returns to one after the clients leave" {
  start_server threads
  assert_equal "$(thread_count "$SERVER_PID")" 1
  crowd_arrives 200
  eventually log_says '\(200 active\)$' 1
  assert_equal "$(thread_count "$SERVER_PID")" $((200 + $(idle_threads)))
  crowd_leaves
  eventually thread_count_is "$(idle_threads)"
  assert log_says '^client #[0-9]+ left' 200
  assert file_has "$SERVER_OUT" 'left \(0 active\)$'
}

# Without the lock, two threads can read the same clients_served and log the
# same number (a lost update): 200 clients at once make that likely, but a
# plain build may still miss it, the window being a few instructions wide.
# A ThreadSanitizer build sees it every time: make check runs one on a
# student's changed threads lab (tests/run). A client record shared by every
# thread (&connfd passed to each) leaves clients unserved: the 100-thread
# client then times out here, so the test fails fast instead of hanging.
@test "the client numbers in the log are unique, and each client leaves once" {
  start_server threads
  crowd_arrives 100
  timeout $((DEADLINE * 3)) "$CLIENT" -t 100 127.0.0.1 "$SERVER_PORT" <<<"hi" >/dev/null
  crowd_leaves
  eventually log_says '^client #[0-9]+ left' 200
  run bash -c "grep -oE '^client #[0-9]+ from' '$SERVER_OUT' | sort | uniq -d"
  assert_output ""
  run bash -c "grep -oE '^client #[0-9]+ from' '$SERVER_OUT' | tr -dc '0-9\n' | sort -n | tr '\n' ' '"
  assert_output "$(seq -s ' ' 1 200) "
  run bash -c "grep -oE '^client #[0-9]+ left' '$SERVER_OUT' | sort | uniq -d"
  assert_output ""
  assert log_says 'left \(0 active\)$' 1
}

@test "the descriptor count stays flat over 300 connections" {
  start_server threads
  before=$(fd_count "$SERVER_PID")
  for round in 1 2 3; do
    crowd_arrives 100 "$(printf 'round %d\n' "$round")"
    crowd_leaves
    eventually log_says '^client #[0-9]+ left' $((round * 100))
    eventually thread_count_is "$(idle_threads)"
    assert_equal "$(fd_count "$SERVER_PID")" "$before"
  done
}

# vm_size_kb PID : the address space of PID in KiB (VmSize in /proc/PID/status).
vm_size_kb() { awk '/^VmSize:/ { print $2 }' "/proc/$1/status"; }

# echo_once : a connection echoes a line, then closes.
echo_once() {
  local sock line
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'ping\n' >&"$sock"
  read -r -t "$DEADLINE" line <&"$sock"
  exec {sock}>&-
  [[ $line == ping ]]
}

# A thread's stack is at least 64 KiB (the server's THREAD_STACK_SIZE, or the
# system's minimum when that is larger) plus a guard page. A joinable thread
# that nobody joins keeps its stack after it returns, so 200 clients would
# add 200 stacks, 13 MiB or more; a detached thread's stack goes back to the
# C library, which reuses it for the next thread. MALLOC_ARENA_MAX=1: one
# malloc arena, so that a 64 MiB arena made for a new thread cannot blur
# the figure.
@test "200 clients one after another leave the server's address space flat: its threads are detached" {
  sanitized_build && skip "a sanitizer build has an allocator of its own"
  MALLOC_ARENA_MAX=1 start_server threads
  for _ in $(seq 1 10); do echo_once; done
  eventually log_says '^client #[0-9]+ left' 10
  before=$(vm_size_kb "$SERVER_PID")
  for _ in $(seq 1 200); do echo_once; done
  eventually log_says '^client #[0-9]+ left' 210
  after=$(vm_size_kb "$SERVER_PID")
  eventually thread_count_is 1
  # Well below 200 stacks: room for a few threads alive at once.
  if ((after - before > 16 * 64)); then
    echo "VmSize grew from $before kB to $after kB over 200 clients" >&2
    return 1
  fi
}

@test "client -t N runs N connections, each sending every line" {
  start_server threads
  run --separate-stderr timeout "$DEADLINE" "$CLIENT" -t 3 127.0.0.1 "$SERVER_PORT" <<<$'one\ntwo\nq\nnot sent'
  assert_success
  assert_equal "${#lines[@]}" 6
  for i in 1 2 3; do
    assert_equal "$(grep "^\[thread $i\] " <<<"$output")" "[thread $i] one
[thread $i] two"
  done
  eventually log_says '^client #[0-9]+ left' 3
  assert log_says '^client #[0-9]+ from 127\.0\.0\.1 port [0-9]+ \([1-3] active\)$' 3
}

@test "client -t: lines from many threads never mix" {
  start_server threads
  for i in $(seq 1 300); do printf 'line %03d %s\n' "$i" "$(printf '%0200d' 0)"; done >"$BATS_TEST_TMPDIR/in"
  timeout "$DEADLINE" "$CLIENT" -t 16 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/out")" 4800
  assert_equal "$(count_lines "$BATS_TEST_TMPDIR/out" '^\[thread ([1-9]|1[0-6])\] line [0-9]{3} 0{200}$')" 4800
  for i in 1 16; do
    assert_equal "$(sed -n "s/^\[thread $i\] //p" "$BATS_TEST_TMPDIR/out" | cmp - "$BATS_TEST_TMPDIR/in" && echo same)" same
  done
}

@test "client -t: a 1 MiB line comes back whole to every thread" {
  start_server threads
  head -c 786432 /dev/urandom | base64 -w 0 >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  timeout "$DEADLINE" "$CLIENT" -t 2 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  for i in 1 2; do
    grep "^\[thread $i\] " "$BATS_TEST_TMPDIR/out" | cut -d ' ' -f 3- | cmp - "$BATS_TEST_TMPDIR/in"
  done
}

@test "client -t: a last line without a newline gets one after its reply" {
  start_server threads
  run timeout "$DEADLINE" "$CLIENT" -t 2 127.0.0.1 "$SERVER_PORT" < <(printf 'a\nb')
  assert_success
  assert_equal "$(sort <<<"$output")" $'[thread 1] a\n[thread 1] b\n[thread 2] a\n[thread 2] b'
}

@test "client -t with no input connects N times and exits 0" {
  start_server threads
  run timeout "$DEADLINE" "$CLIENT" -t 4 127.0.0.1 "$SERVER_PORT" </dev/null
  assert_success
  assert_output ""
  eventually log_says '^client #[0-9]+ left' 4
}

@test "client -t: a refused connection exits 1, each thread says so" {
  start_server threads
  port=$SERVER_PORT
  stop_server
  run timeout "$DEADLINE" "$CLIENT" -t 2 127.0.0.1 "$port" <<<"anyone?"
  assert_failure 1
  assert_line "client: [thread 1] connect to 127.0.0.1 port $port: Connection refused"
  assert_line "client: [thread 2] connect to 127.0.0.1 port $port: Connection refused"
  assert_equal "${#lines[@]}" 2
}

@test "localhost reaches a server bound to 127.0.0.1 only" {
  start_server threads -b 127.0.0.1
  run localhost_ipv6_first "$CLIENT" localhost "$SERVER_PORT" <<<"via localhost"
  assert_success
  assert_output "via localhost"
  run localhost_ipv6_first timeout "$DEADLINE" "$CLIENT" -t 2 localhost "$SERVER_PORT" <<<"via localhost"
  assert_success
  assert_line "[thread 2] via localhost"
}

@test "-b ::1 serves IPv6" {
  has_ipv6 || skip "this machine has no IPv6"
  start_server threads -b ::1
  assert file_has "$SERVER_OUT" '^listening on ::1 port [0-9]+ \(pid [0-9]+\)$'
  run "$CLIENT" ::1 "$SERVER_PORT" <<<"over IPv6"
  assert_success
  assert_output "over IPv6"
  eventually file_has "$SERVER_OUT" '^client #1 from ::1 port [0-9]+ \(1 active\)$'
}

@test "-b 0.0.0.0 serves every IPv4 interface" {
  start_server threads -b 0.0.0.0
  assert file_has "$SERVER_OUT" '^listening on 0\.0\.0\.0 port [0-9]+ \(pid [0-9]+\)$'
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"any"
  assert_output "any"
}

@test "-q silences the per-connection log lines" {
  start_server threads -q
  run timeout "$DEADLINE" "$CLIENT" -t 3 127.0.0.1 "$SERVER_PORT" <<<"quiet"
  assert_line "[thread 3] quiet"
  stop_server
  run cat "$SERVER_OUT"
  assert_line --index 0 --regexp '^listening on '
  assert_equal "${#lines[@]}" 1 # nothing but the listening line
}

@test "a bad command line exits 2 with a usage line" {
  for args in "-x" "65536" "-1" "port" "12ab" "1 2" "-b" "-t 3"; do
    # shellcheck disable=SC2086 # split on purpose: one case, several words
    run "$SERVER" $args
    assert_failure 2
    assert_line --partial "usage: server [-b ADDR] [-q] [PORT]"
  done
  for args in "-x" "localhost 65536" "localhost port" "a 1 2" "-t" "-t 0" "-t -1" "-t x" "-t 1001" "-t 2x"; do
    # shellcheck disable=SC2086
    run "$CLIENT" $args </dev/null
    assert_failure 2
    assert_line --partial "usage: client [-t N] [HOST [PORT]]"
  done
}

@test "a bind address that is not numeric exits 2" {
  run "$SERVER" -b not-an-address 0
  assert_failure 2
  assert_line --partial "bad address 'not-an-address'"
}

@test "a port in use exits 1 and says bind failed and why" {
  start_server threads
  run "$SERVER" "$SERVER_PORT"
  assert_failure 1
  assert_output "server: bind 127.0.0.1 port $SERVER_PORT: Address already in use"
}

@test "a refused connection exits 1 and says so" {
  start_server threads
  port=$SERVER_PORT
  stop_server
  run "$CLIENT" 127.0.0.1 "$port" <<<"anyone?"
  assert_failure 1
  assert_output "client: connect to 127.0.0.1 port $port: Connection refused"
}

@test "an unknown host exits 1 and says so" {
  run "$CLIENT" no-such-host.invalid 5300 </dev/null
  assert_failure 1
  assert_output --partial "client: no-such-host.invalid port 5300: "
  run timeout "$DEADLINE" "$CLIENT" -t 2 no-such-host.invalid 5300 </dev/null
  assert_failure 1
  assert_output --partial "client: no-such-host.invalid port 5300: "
}

@test "a client that resets its connection leaves the server serving" {
  start_server threads
  run "$PEER" reset 127.0.0.1 "$SERVER_PORT"
  assert_success
  eventually file_has "$SERVER_OUT" '^client #1 left \(0 active\)$'
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still here"
  assert_output "still here"
}

@test "a client that stops reading slows nobody else, and its leaving stops nothing" {
  start_server threads
  start_client other threads 127.0.0.1 "$SERVER_PORT"
  spawn /dev/null "$BATS_TEST_TMPDIR/flood.out" "$BATS_TEST_TMPDIR/flood.err" \
    "$PEER" flood 127.0.0.1 "$SERVER_PORT"
  flood=$SPAWNED_PID
  eventually log_says '\(2 active\)$' 1
  send_line other "not stuck behind the flood"
  eventually file_has "$BATS_TEST_TMPDIR/other.out" '^not stuck behind the flood$'
  wait "$flood"
  eventually file_has "$SERVER_ERR" 'write to 127\.0\.0\.1 port [0-9]+: (Connection reset by peer|Broken pipe)'
  end_input other
  client_exits other
  assert_equal "$CLIENT_STATUS" 0
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still here"
  assert_output "still here"
}

@test "the client says so when the server dies in the middle" {
  start_server threads
  start_client talker threads 127.0.0.1 "$SERVER_PORT"
  send_line talker "before"
  eventually file_has "$BATS_TEST_TMPDIR/talker.out" '^before$'
  kill -KILL "$SERVER_PID"
  SERVER_PID=
  send_line talker "after"
  client_exits talker
  assert_equal "$CLIENT_STATUS" 1
  run cat "$BATS_TEST_TMPDIR/talker.err"
  assert_output --regexp '^client: (the server closed the connection before replying in full|send: Broken pipe|receive: Connection reset by peer)$'
}

@test "SIGINT and SIGTERM stop the server with status 0, closing every connection" {
  start_server threads
  stop_server INT
  start_server threads
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'connected\n' >&"$sock"
  read -r -t "$DEADLINE" line <&"$sock"
  assert_equal "$line" connected
  crowd_arrives 20 "$(printf 'ping\n')"
  stop_server TERM
  status=0
  read -r -t "$DEADLINE" line <&"$sock" || status=$?
  exec {sock}>&-
  assert_equal "$status" 1 # end of file, not a timeout (>128)
  crowd_leaves
}

# each_served_or_turned_away N : the server took N connections, each given
# a thread (a "client #" line) or closed for the lack of one.
each_served_or_turned_away() {
  (($(count_lines "$SERVER_OUT" "^client #") + $(count_lines "$SERVER_ERR" "^server: no thread for") == $1))
}

@test "when no thread can be made, that client is turned away and the rest are served" {
  sanitized_build && skip "a sanitizer build reserves too much address space for this limit"
  start_server threads
  # Room for two or three more thread stacks (64 KiB and a guard page each).
  vm=$(awk '/^VmSize:/ { print $2 }' "/proc/$SERVER_PID/status")
  prlimit --pid "$SERVER_PID" --as=$(((vm + 3 * 68) * 1024))
  before=$(fd_count "$SERVER_PID")
  crowd_arrives 10
  eventually each_served_or_turned_away 10
  run cat "$SERVER_ERR"
  assert_line --regexp '^server: no thread for 127\.0\.0\.1 port [0-9]+, closing it: pthread_create: Resource temporarily unavailable$'
  assert file_has "$SERVER_OUT" '^client #1 from'
  crowd_leaves
  eventually thread_count_is "$(idle_threads)"
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still serving"
  assert_output "still serving"
  eventually thread_count_is "$(idle_threads)"
  assert_equal "$(fd_count "$SERVER_PID")" "$before"
}

# accept_errors : how many times the server has said accept() failed.
accept_errors() { count_lines "$SERVER_ERR" '^server: accept: Too many open files$'; }
accept_errors_above() { (($(accept_errors) > $1)); }

# limit_leaving_room PID N : the descriptor limit (one above the highest
# descriptor number allowed) that leaves PID exactly N free descriptors.
limit_leaving_room() {
  local limit=0 free=0
  while ((free < $2)); do
    [[ -e /proc/$1/fd/$limit ]] || free=$((free + 1))
    limit=$((limit + 1))
  done
  echo "$limit"
}

@test "out of descriptors, the server neither spins nor exits, and serves again later" {
  start_server threads
  prlimit --pid "$SERVER_PID" --nofile="$(limit_leaving_room "$SERVER_PID" 2)"
  crowd_arrives 4
  eventually accept_errors_above 0
  # Retrying at once would print thousands of these a second.
  not_within 1000 accept_errors_above 20
  assert is_running "$SERVER_PID"
  assert log_says '^client #' 2
  crowd_leaves
  eventually log_says '^client #[0-9]+ left' 4
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"served again"
  assert_output "served again"
}
