#!/usr/bin/env bats
# select: one thread, one select() loop over the listener, stdin and every
# client; the client that watches stdin and the socket together.


# Each @test runs in a subshell of its own: what it changes stays there.
# shellcheck disable=SC2030,SC2031
load helpers

CLIENT="$LABS/select/client"

# cpu_ticks PID : user + system time the process has used, in clock ticks.
cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat") || return 1
  stat=${stat##*) } # the command name may hold spaces and parentheses
  awk '{ print $12 + $13 }' <<<"$stat"
}

# busier_than PID TICKS : the process used more than TICKS clock ticks.
busier_than() { (($(cpu_ticks "$1") > $2)); }

# value_is N CMD... : CMD prints N. value_above N CMD... : more than N.
value_is() { [[ $("${@:2}") == "$1" ]]; }
value_above() { (($("${@:2}") > $1)); }

# exited PID : the process has exited.
exited() { ! is_running "$1"; }

# server_sockets : how many sockets the server holds (the listener included).
# (One find, not a readlink per descriptor: the server may hold a thousand.)
server_sockets() {
  find "/proc/$SERVER_PID/fd" -mindepth 1 -lname 'socket:*' -printf '.\n' 2>/dev/null | wc -l
}

# served : connections the server accepted so far (its log lines).
served() { count_lines "$SERVER_OUT" '^connection from'; }

# refused REASON : connections the server refused for REASON (a regex).
refused() { count_lines "$SERVER_OUT" "^refused 127\.0\.0\.1 port [0-9]+: $1\$"; }

# accounted_for REASON : connections the server holds plus those it
# refused for REASON.
accounted_for() { echo $(($(server_sockets) - 1 + $(refused "$1"))); }

# resident_kib PID : resident memory of the process, in KiB.
resident_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# raise_fd_limit N : make the soft limit on descriptors N (skip the test if
# the hard limit is lower). Children started afterwards inherit it.
raise_fd_limit() {
  local hard
  hard=$(ulimit -Hn)
  [[ $hard == unlimited ]] || (($1 <= hard)) || skip "ulimit -Hn is $hard, below $1"
  ulimit -S -n "$1"
}

# start_holder NAME COUNT [LINE] : tests/tools/peer holds COUNT connections
# to the server (echoing LINE on each first) until release_holder NAME.
declare -gA HOLDER_FD HOLDER_PID
start_holder() {
  local name=$1 fd
  shift
  mkfifo "$BATS_TEST_TMPDIR/$name.in"
  exec {fd}<>"$BATS_TEST_TMPDIR/$name.in"
  HELD_FDS+=("$fd")
  HOLDER_FD[$name]=$fd
  spawn "$BATS_TEST_TMPDIR/$name.in" "$BATS_TEST_TMPDIR/$name.out" "$BATS_TEST_TMPDIR/$name.err" \
    "$PEER" hold 127.0.0.1 "$SERVER_PORT" "$@"
  HOLDER_PID[$name]=$SPAWNED_PID
}

# holding NAME : the holder has opened all its connections.
holding() {
  if ! is_running "${HOLDER_PID[$1]}" && ! file_has "$BATS_TEST_TMPDIR/$1.out" '^holding'; then
    echo "peer hold failed: $(cat "$BATS_TEST_TMPDIR/$1.err")" >&2
    return 2
  fi
  file_has "$BATS_TEST_TMPDIR/$1.out" '^holding'
}

release_holder() {
  local fd=${HOLDER_FD[$1]}
  exec {fd}>&-
  eventually exited "${HOLDER_PID[$1]}"
}

@test "the server says where it listens, on the port the kernel chose" {
  start_server select
  first_line_names_server
}

@test "the client echoes a line and exits 0" {
  start_server select
  run --separate-stderr "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"hello"
  assert_success
  assert_output "hello"
  eventually file_has "$SERVER_OUT" "^127\.0\.0\.1 port [0-9]+ closed$"
  assert file_has "$SERVER_OUT" "^connection from 127\.0\.0\.1 port [0-9]+$"
}

@test "piped input gets no prompt: the output is exactly the replies" {
  start_server select
  printf 'one\ntwo\n\nthree words here\n' >"$BATS_TEST_TMPDIR/in"
  "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "a line that is q or Q ends the client without sending it" {
  start_server select
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'a\nq\nb'
  assert_success
  assert_output "a"
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'Q\nc'
  assert_success
  assert_output ""
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'qq\nq x\nxq\n'
  assert_output $'qq\nq x\nxq'
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" < <(printf 'a\nq')
  assert_success
  assert_output "a"
}

@test "at end of input the client half-closes and prints every reply still on its way" {
  start_server select
  seq 1 200000 >"$BATS_TEST_TMPDIR/in"
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in"
  assert_success
  assert_equal "$(cksum <<<"$output")" "$(cksum <"$BATS_TEST_TMPDIR/in")"
  eventually file_has "$SERVER_OUT" "^127\.0\.0\.1 port [0-9]+ closed$"
  refute file_has "$SERVER_ERR" .
}

@test "a last line without a newline is echoed as it is" {
  start_server select
  printf 'no newline' | "$CLIENT" 127.0.0.1 "$SERVER_PORT" >"$BATS_TEST_TMPDIR/out"
  assert_equal "$(od -c "$BATS_TEST_TMPDIR/out")" "$(printf 'no newline' | od -c)"
}

@test "binary bytes, NUL included, come back byte-exact" {
  start_server select
  every_byte >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "a 1 MiB line comes back byte-exact" {
  start_server select
  head -c 1048576 /dev/urandom | tr '\n' x >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "two lines in one segment are both echoed" {
  start_server select
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  # One write(2) of both lines: cat writes what it read in one call (bash's
  # printf may write line by line).
  printf 'one\ntwo\n' >"$BATS_TEST_TMPDIR/two-lines"
  cat "$BATS_TEST_TMPDIR/two-lines" >&"$sock"
  read -r -t "$DEADLINE" first <&"$sock"
  read -r -t "$DEADLINE" second <&"$sock"
  exec {sock}>&-
  assert_equal "$first" one
  assert_equal "$second" two
}

@test "a half-sent line does not block another client" {
  start_server select
  exec {half}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'half a li' >&"$half"
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"not blocked"
  assert_success
  assert_output "not blocked"
  printf 'ne\n' >&"$half"
  read -r -t "$DEADLINE" line <&"$half"
  exec {half}>&-
  assert_equal "$line" "half a line"
}

@test "one thread serves 1000 clients at once" {
  raise_fd_limit 1100
  start_server select -q
  start_holder crowd 1000 $'hi\n'
  eventually holding crowd
  assert_equal "$(thread_count "$SERVER_PID")" 1
  (($(fd_count "$SERVER_PID") > 1000))
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"one more"
  assert_output "one more"
  release_holder crowd
}

@test "a client that floods and never reads stops being read, and does not delay another client" {
  start_server select
  spawn /dev/null "$BATS_TEST_TMPDIR/flood.out" "$BATS_TEST_TMPDIR/flood.err" \
    bash -c "exec head -c 64M /dev/zero >/dev/tcp/127.0.0.1/$SERVER_PORT"
  flooder=$SPAWNED_PID
  # Backed up both ways: the server's echo waits in the flooder's socket,
  # and what the flooder sends waits unread in the server's.
  backed_up() {
    ss -Htn state established "( sport = :$SERVER_PORT )" | awk '$1 > 0 && $2 > 0 { ok = 1 } END { exit !ok }'
  }
  eventually backed_up
  # The server reads no more from it: 64 MiB never get through.
  not_within 300 exited "$flooder"
  (($(resident_kib "$SERVER_PID") < 16384))
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"not delayed"
  assert_success
  assert_output "not delayed"
  kill "$flooder"
  eventually file_has "$SERVER_ERR" 'write to 127\.0\.0\.1 port [0-9]+: (Connection reset by peer|Broken pipe)'
}

@test "a 64 MiB line without a newline comes back whole, and the server's memory stays within 4 MiB of its start" {
  # AddressSanitizer keeps freed memory in quarantine (256 MiB by default):
  # in its build the resident size does not measure the server's own use.
  grep -qs -- -fsanitize=address "$LABS/select/.build-flags" &&
    skip "an AddressSanitizer build keeps freed memory in quarantine"
  start_server select
  before=$(resident_kib "$SERVER_PID")
  # A client's bytes pass through one 64 KiB output buffer: no line is kept whole.
  run timeout 60 bash -c "head -c 64M /dev/zero | tr '\\0' x | '$CLIENT' 127.0.0.1 $SERVER_PORT | wc -c"
  assert_success
  assert_output $((64 << 20))
  after=$(resident_kib "$SERVER_PID")
  ((after <= before + 4096)) || fail "the server grew from $before to $after KiB"
}

@test "a connection past FD_SETSIZE is refused and logged, and the server keeps serving" {
  raise_fd_limit 1100
  start_server select -q
  start_holder crowd 1050
  eventually holding crowd
  past='descriptor 1024 is past FD_SETSIZE'
  eventually value_above 0 refused "$past"
  # Every connection is either served (a descriptor below 1024) or refused.
  eventually value_is 1050 accounted_for "$past"
  assert [ "$(fd_count "$SERVER_PID")" -le 1024 ]
  release_holder crowd
  eventually value_is 1 server_sockets
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still serving"
  assert_output "still serving"
  refute file_has "$SERVER_ERR" .
}

@test "out of descriptors (EMFILE) the server refuses, neither spins nor exits" {
  soft=$(ulimit -Sn)
  ulimit -S -n 64
  start_server select
  ulimit -S -n "$soft"
  start_holder crowd 100
  eventually holding crowd
  out_of_fds='no descriptor left \(Too many open files\)'
  eventually value_is 100 accounted_for "$out_of_fds"
  assert_equal "$(served)" $(($(server_sockets) - 1))
  (($(refused "$out_of_fds") > 0))
  ticks=$(cpu_ticks "$SERVER_PID")
  not_within 500 busier_than "$SERVER_PID" $((ticks + 10))
  assert is_running "$SERVER_PID"
  release_holder crowd
  eventually value_is "$(served)" count_lines "$SERVER_OUT" ' closed$'
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"served again"
  assert_output "served again"
}

@test "a line on the server's stdin closes every client and exits 0" {
  start_server_with_fifo select
  start_client a select 127.0.0.1 "$SERVER_PORT"
  start_client b select 127.0.0.1 "$SERVER_PORT"
  send_line a "from a"
  send_line b "from b"
  eventually file_has "$BATS_TEST_TMPDIR/a.out" '^from a$'
  eventually file_has "$BATS_TEST_TMPDIR/b.out" '^from b$'
  printf 'half a line, not yet' >&"$SERVER_IN_FD"
  not_within 300 exited "$SERVER_PID"
  server_types ""
  eventually exited "$SERVER_PID"
  stop_server # it has exited already: this checks it exited 0, leaving nothing
  assert file_has "$SERVER_OUT" '^a line on stdin: shutting down$'
  assert_equal "$(count_lines "$SERVER_OUT" '^127\.0\.0\.1 port [0-9]+ closed$')" 2
  for name in a b; do
    client_exits "$name"
    assert_equal "$CLIENT_STATUS" 1
    assert file_has "$BATS_TEST_TMPDIR/$name.err" '^client: the server closed the connection$'
  done
}

@test "end of file on the server's stdin only stops it watching stdin" {
  start_server_with_fifo select
  server_input_ends
  # A descriptor at end of file is always "readable": a server that kept
  # watching it would spin.
  ticks=$(cpu_ticks "$SERVER_PID")
  not_within 500 busier_than "$SERVER_PID" $((ticks + 10))
  assert is_running "$SERVER_PID"
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still here"
  assert_output "still here"
  stop_server
}

@test "the client exits at once when the server goes away while it waits for input" {
  start_server select
  start_client idle select 127.0.0.1 "$SERVER_PORT"
  send_line idle "hello"
  eventually file_has "$BATS_TEST_TMPDIR/idle.out" '^hello$'
  kill -KILL "$SERVER_PID"
  SERVER_PID=
  DEADLINE=2 client_exits idle
  assert_equal "$CLIENT_STATUS" 1
  run cat "$BATS_TEST_TMPDIR/idle.err"
  assert_output "client: the server closed the connection"
}

@test "the server's descriptor count stays flat over 300 connections" {
  start_server select -q
  before=$(fd_count "$SERVER_PID")
  start_holder crowd 300 $'ping\n'
  eventually holding crowd
  assert_equal "$(fd_count "$SERVER_PID")" $((before + 300))
  release_holder crowd
  eventually value_is "$before" fd_count "$SERVER_PID"
  for i in 1 2 3; do
    start_holder "again$i" 100 $'ping\n'
    eventually holding "again$i"
    release_holder "again$i"
  done
  eventually value_is "$before" fd_count "$SERVER_PID"
}

@test "localhost reaches a server bound to 127.0.0.1 only" {
  start_server select -b 127.0.0.1
  run localhost_ipv6_first "$CLIENT" localhost "$SERVER_PORT" <<<"via localhost"
  assert_success
  assert_output "via localhost"
}

@test "-b ::1 serves IPv6" {
  has_ipv6 || skip "this machine has no IPv6"
  start_server select -b ::1
  assert file_has "$SERVER_OUT" '^listening on ::1 port [0-9]+ \(pid [0-9]+\)$'
  run "$CLIENT" ::1 "$SERVER_PORT" <<<"over IPv6"
  assert_success
  assert_output "over IPv6"
  eventually file_has "$SERVER_OUT" '^connection from ::1 port [0-9]+$'
}

@test "-b 0.0.0.0 serves every IPv4 interface" {
  start_server select -b 0.0.0.0
  assert file_has "$SERVER_OUT" '^listening on 0\.0\.0\.0 port [0-9]+ \(pid [0-9]+\)$'
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"any"
  assert_output "any"
}

@test "-q silences the per-connection log lines" {
  start_server select -q
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"quiet"
  assert_output "quiet"
  local pid=$SERVER_PID
  stop_server
  run cat "$SERVER_OUT"
  assert_output $'listening on 127.0.0.1 port '"$SERVER_PORT (pid $pid)"$'\nSIGTERM: shutting down'
}

@test "a bad command line exits 2 with a usage line" {
  for args in "-x" "65536" "-1" "port" "12ab" "1 2" "-b"; do
    # shellcheck disable=SC2086 # split on purpose: one case, several words
    run "$LABS/select/server" $args </dev/null
    assert_failure 2
    assert_line --partial "usage: server [-b ADDR] [-q] [PORT]"
  done
  for args in "-x" "localhost 65536" "localhost port" "a 1 2"; do
    # shellcheck disable=SC2086
    run "$CLIENT" $args </dev/null
    assert_failure 2
    assert_line --partial "usage: client [HOST [PORT]]"
  done
}

@test "a bind address that is not numeric exits 2" {
  run "$LABS/select/server" -b not-an-address 0 </dev/null
  assert_failure 2
  assert_line --partial "bad address 'not-an-address'"
}

@test "a port in use exits 1 and says bind failed and why" {
  start_server select
  run "$LABS/select/server" "$SERVER_PORT" </dev/null
  assert_failure 1
  assert_output "server: bind 127.0.0.1 port $SERVER_PORT: Address already in use"
}

@test "a refused connection exits 1 and says so" {
  start_server select
  port=$SERVER_PORT
  stop_server
  run "$CLIENT" 127.0.0.1 "$port" <<<"anyone?"
  assert_failure 1
  assert_output "client: connect to 127.0.0.1 port $port: Connection refused"
}

@test "an unknown host exits 1 and says so" {
  run "$CLIENT" no-such-host.invalid 5400 </dev/null
  assert_failure 1
  assert_output --partial "client: no-such-host.invalid port 5400: "
}

@test "a client that resets its connection leaves the server serving" {
  start_server select
  run "$PEER" reset 127.0.0.1 "$SERVER_PORT"
  assert_success
  eventually file_has "$SERVER_OUT" 'closed$'
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still here"
  assert_output "still here"
}

@test "a client that stops reading and leaves does not stop the server" {
  start_server select
  run "$PEER" flood 127.0.0.1 "$SERVER_PORT"
  assert_success
  eventually file_has "$SERVER_ERR" 'write to 127\.0\.0\.1 port [0-9]+: (Connection reset by peer|Broken pipe)'
  run "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still here"
  assert_output "still here"
}

@test "SIGINT and SIGTERM stop the server with status 0, closing its clients" {
  start_server select
  stop_server INT
  assert file_has "$SERVER_OUT" '^SIGINT: shutting down$'
  start_server select
  start_client idle select 127.0.0.1 "$SERVER_PORT"
  send_line idle "connected"
  eventually file_has "$BATS_TEST_TMPDIR/idle.out" connected
  stop_server TERM
  assert file_has "$SERVER_OUT" '^SIGTERM: shutting down$'
  assert file_has "$SERVER_OUT" '^127\.0\.0\.1 port [0-9]+ closed$'
  client_exits idle
  assert_equal "$CLIENT_STATUS" 1
}
