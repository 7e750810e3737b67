#!/usr/bin/env bats
# p2p-chat: two peers talking both ways at once over one TCP connection.
# The server's stdin is a FIFO the test types into (start_server_with_fifo);
# each client's is another (start_client).
#
# Each @test runs in a subshell of its own: SERVER_PID set in one is not
# meant for another.
# shellcheck disable=SC2030,SC2031

load helpers

CLIENT="$LABS/p2p-chat/client"

# chat_with NAME : start client NAME and wait until the server took it.
chat_with() {
  local before
  before=$(count_lines "$SERVER_OUT" '^peer connected from ')
  start_client "$1" p2p-chat 127.0.0.1 "$SERVER_PORT"
  eventually peers_connected_over "$before"
}

peers_connected_over() { (($(count_lines "$SERVER_OUT" '^peer connected from ') > $1)); }

out_of() { echo "$BATS_TEST_TMPDIR/$1.out"; }

# unread_at_server : a connection to the server has bytes waiting unread in
# its receive queue (ss's first column, Recv-Q).
unread_at_server() {
  ss -Htn state established "( sport = :$SERVER_PORT )" | awk '$1 > 0' | grep -q .
}

# server_exits : wait for the server to end on its own; then stop_server
# checks it exited 0 and left nothing behind.
server_exits() {
  eventually not is_running "$SERVER_PID"
  stop_server
}

# peer_lines_are FILE EXPECTED : the "peer: " lines of FILE are exactly EXPECTED's.
peer_lines_are() { grep -a '^peer: ' "$1" | cmp -s - "$2"; }

@test "the server says where it listens, on the port the kernel chose" {
  start_server_with_fifo p2p-chat
  first_line_names_server
}

@test "a line typed at the client is printed by the server as peer: LINE" {
  start_server_with_fifo p2p-chat
  chat_with alice
  assert file_has "$SERVER_OUT" '^peer connected from 127\.0\.0\.1 port [0-9]+$'
  send_line alice "hello server"
  eventually file_has "$SERVER_OUT" '^peer: hello server$'
}

@test "a line typed at the server is printed by the client as peer: LINE" {
  start_server_with_fifo p2p-chat
  chat_with alice
  server_types "hello client"
  eventually file_has "$(out_of alice)" '^peer: hello client$'
}

@test "both peers send several lines in a row at the same time" {
  start_server_with_fifo p2p-chat
  chat_with alice
  seq -f 'from client %g' 1 200 | sed 's/^/peer: /' >"$BATS_TEST_TMPDIR/server.expected"
  seq -f 'from server %g' 1 200 | sed 's/^/peer: /' >"$BATS_TEST_TMPDIR/alice.expected"
  seq -f 'from client %g' 1 200 >&"${CLIENT_FD[alice]}" &
  writers=("$!")
  seq -f 'from server %g' 1 200 >&"$SERVER_IN_FD" &
  writers+=("$!")
  wait "${writers[@]}"
  eventually peer_lines_are "$SERVER_OUT" "$BATS_TEST_TMPDIR/server.expected"
  eventually peer_lines_are "$(out_of alice)" "$BATS_TEST_TMPDIR/alice.expected"
}

@test "the client can talk while the server's user types nothing, and back" {
  start_server_with_fifo p2p-chat
  chat_with alice
  # Strict turns (the notes' version) would make the client wait for the
  # server to speak first: here it does not. "two" is typed only once "one"
  # has arrived, so the client cannot have read both lines in one read().
  send_line alice "one"
  eventually file_has "$SERVER_OUT" '^peer: one$'
  send_line alice "two"
  eventually file_has "$SERVER_OUT" '^peer: two$'
  server_types "three"
  eventually file_has "$(out_of alice)" '^peer: three$'
  send_line alice "four"
  eventually file_has "$SERVER_OUT" '^peer: four$'
}

@test "q at the client ends its chat: the server prints peer left, q is not sent" {
  start_server_with_fifo p2p-chat
  chat_with alice
  send_line alice "bye"
  send_line alice "q"
  client_exits alice
  assert_equal "$CLIENT_STATUS" 0
  eventually file_has "$SERVER_OUT" '^peer left$'
  eventually file_has "$SERVER_OUT" '^127\.0\.0\.1 port [0-9]+ closed$'
  assert file_has "$SERVER_OUT" '^peer: bye$'
  refute file_has "$SERVER_OUT" '^peer: q$'
  run cat "$BATS_TEST_TMPDIR/alice.err"
  assert_output ""
}

@test "Q at the server ends the chat: the client prints peer left and exits 0" {
  start_server_with_fifo p2p-chat
  chat_with alice
  server_types "see you"
  server_types "Q"
  client_exits alice
  assert_equal "$CLIENT_STATUS" 0
  run cat "$(out_of alice)"
  assert_output $'peer: see you\npeer left'
  eventually file_has "$SERVER_OUT" 'closed$'
  refute file_has "$SERVER_OUT" '^peer left$'
}

@test "after q at the server, the next peer is served" {
  start_server_with_fifo p2p-chat
  chat_with alice
  server_types "q"
  client_exits alice
  eventually file_has "$SERVER_OUT" 'closed$'
  chat_with bob
  send_line bob "bob here"
  eventually file_has "$SERVER_OUT" '^peer: bob here$'
  server_types "hi bob"
  eventually file_has "$(out_of bob)" '^peer: hi bob$'
  is_running "$SERVER_PID"
}

@test "a second peer waits while the first chats, and is served after the first quits" {
  start_server_with_fifo p2p-chat
  chat_with alice
  fds=$(fd_count "$SERVER_PID")
  start_client bob p2p-chat 127.0.0.1 "$SERVER_PORT"
  send_line bob "bob waiting"
  not_within 300 file_has "$SERVER_OUT" 'bob waiting'
  assert_equal "$(count_lines "$SERVER_OUT" '^peer connected')" 1
  send_line alice "q"
  client_exits alice
  eventually file_has "$SERVER_OUT" '^peer: bob waiting$'
  assert_equal "$(count_lines "$SERVER_OUT" '^peer connected')" 2
  # alice's connection was closed, not leaked.
  assert_equal "$(fd_count "$SERVER_PID")" "$fds"
}

@test "end of input at the client ends its chat and it exits 0" {
  start_server_with_fifo p2p-chat
  run --separate-stderr timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"piped line"
  assert_success
  assert_output ""
  eventually file_has "$SERVER_OUT" '^peer left$'
  assert file_has "$SERVER_OUT" '^peer: piped line$'
}

@test "end of input at the server ends the chat and the server exits 0" {
  start_server_with_fifo p2p-chat
  chat_with alice
  server_types "last words"
  server_input_ends
  client_exits alice
  assert_equal "$CLIENT_STATUS" 0
  run cat "$(out_of alice)"
  assert_output $'peer: last words\npeer left'
  server_exits
}

@test "end of input at the server exits 0 while nobody is connected" {
  start_server_with_fifo p2p-chat
  server_input_ends
  server_exits
}

@test "while nobody is connected a typed line is not sent, and q ends the server" {
  start_server_with_fifo p2p-chat
  server_types "anyone?"
  eventually file_has "$SERVER_OUT" '^nobody is connected: line not sent$'
  server_types "q"
  server_exits
}

@test "lines the peer sends after the server's q are still printed (half-close)" {
  start_server_with_fifo p2p-chat
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  eventually file_has "$SERVER_OUT" '^peer connected'
  server_types "q"
  # The server's end of file arrives, yet its side still reads.
  run read -r -t "$DEADLINE" line <&"$sock"
  assert_failure 1
  printf 'too late?\n' >&"$sock"
  eventually file_has "$SERVER_OUT" '^peer: too late\?$'
  exec {sock}>&-
  eventually file_has "$SERVER_OUT" 'closed$'
  refute file_has "$SERVER_ERR" 'vanished'
}

@test "after the server's q it waits for the peer to close as long as it takes; q again closes at once" {
  start_server_with_fifo p2p-chat
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  eventually file_has "$SERVER_OUT" '^peer connected'
  server_types "q"
  # A person takes more than 2 s to answer: the server still listens.
  not_within 2500 file_has "$SERVER_OUT" 'closed$'
  printf 'slow answer\n' >&"$sock"
  eventually file_has "$SERVER_OUT" '^peer: slow answer$'
  server_types "q"
  eventually file_has "$SERVER_OUT" 'closed$'
  refute file_has "$SERVER_ERR" .
  exec {sock}>&-
  is_running "$SERVER_PID"
}

@test "a line typed after q is not sent: the server says so" {
  start_server_with_fifo p2p-chat
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  eventually file_has "$SERVER_OUT" '^peer connected'
  server_types "q"
  run timeout "$DEADLINE" cat <&"$sock" # the server's end of file
  assert_success
  assert_output ""
  server_types "too late"
  eventually file_has "$SERVER_OUT" '^you left: line not sent$'
  exec {sock}>&-
  eventually file_has "$SERVER_OUT" 'closed$'
}

@test "a peer that never closes after the server's input ends is dropped after 2 s" {
  start_server_with_fifo p2p-chat
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  eventually file_has "$SERVER_OUT" '^peer connected'
  server_input_ends
  not_within 1500 file_has "$SERVER_OUT" 'closed$'
  eventually file_has "$SERVER_OUT" 'closed$'
  assert file_has "$SERVER_ERR" '^server: the peer did not close within 2000 ms; closing anyway$'
  exec {sock}>&-
  server_exits
}

@test "a line that arrives in pieces is printed whole" {
  start_server_with_fifo p2p-chat
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'hel' >&"$sock"
  not_within 300 file_has "$SERVER_OUT" '^peer: hel'
  printf 'lo\n' >&"$sock"
  eventually file_has "$SERVER_OUT" '^peer: hello$'
  exec {sock}>&-
}

@test "two lines in one write are printed as two lines" {
  start_server_with_fifo p2p-chat
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'one\ntwo\n' >&"$sock"
  eventually file_has "$SERVER_OUT" '^peer: two$'
  assert file_has "$SERVER_OUT" '^peer: one$'
  exec {sock}>&-
}

@test "a last line without a newline is printed when the peer leaves" {
  start_server_with_fifo p2p-chat
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'no newline' >&"$sock"
  exec {sock}>&-
  eventually file_has "$SERVER_OUT" '^peer left$'
  assert_equal "$(grep -A1 '^peer: ' "$SERVER_OUT")" $'peer: no newline\npeer left'
}

@test "binary bytes, NUL included, are printed as they came" {
  start_server_with_fifo p2p-chat
  chat_with alice
  printf 'a\001\000\377b\n' >&"${CLIENT_FD[alice]}"
  printf 'peer: a\001\000\377b\n' >"$BATS_TEST_TMPDIR/expected"
  eventually peer_lines_are "$SERVER_OUT" "$BATS_TEST_TMPDIR/expected"
}

# recv_q_empty : the server's end of the chat holds nothing it has not read.
recv_q_empty() {
  ss -Htn state established "( sport = :$SERVER_PORT )" | awk '$1 != 0 { busy = 1 } END { exit busy }'
}

@test "lines that arrive a byte at a time are printed whole by the server" {
  start_server_with_fifo p2p-chat
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  eventually file_has "$SERVER_OUT" '^peer connected'
  # Each byte read by the server before the next is sent: one read per byte.
  # A long line, then shorter ones: no stale count of bytes searched may hide
  # a newline.
  text=$'abc\nd\nef\n'
  for ((i = 0; i < ${#text}; i++)); do
    printf '%s' "${text:i:1}" >&"$sock"
    eventually recv_q_empty
  done
  printf 'peer: abc\npeer: d\npeer: ef\n' >"$BATS_TEST_TMPDIR/expected"
  eventually peer_lines_are "$SERVER_OUT" "$BATS_TEST_TMPDIR/expected"
  exec {sock}>&-
}

@test "lines that arrive a byte at a time are printed whole by the client" {
  start_trickle_server # echoes each byte with a write of its own
  start_client alice p2p-chat 127.0.0.1 "$TRICKLE_PORT"
  send_line alice "abc"
  send_line alice "d"
  send_line alice "ef"
  printf 'peer: abc\npeer: d\npeer: ef\n' >"$BATS_TEST_TMPDIR/expected"
  eventually peer_lines_are "$(out_of alice)" "$BATS_TEST_TMPDIR/expected"
}

# write_within FD FILE : FILE written to FD within 2 x DEADLINE seconds (a
# program that stops reading makes the write wait: it fails then).
write_within() {
  timeout "$((DEADLINE * 2))" cat "$2" >&"$1" ||
    fail "${2##*/} was not all taken within $((DEADLINE * 2)) s"
}

# x_line BYTES CHAR FILE : FILE holds BYTES times CHAR and a newline.
x_line() {
  head -c "$1" /dev/zero | tr '\0' "$2" >"$3"
  printf '\n' >>"$3"
}

@test "a 64 KiB line is printed whole; a longer one is cut at 64 KiB, with a message, and the chat goes on" {
  start_server_with_fifo p2p-chat
  chat_with alice
  x_line 65536 x "$BATS_TEST_TMPDIR/whole"
  x_line 102400 y "$BATS_TEST_TMPDIR/long"
  x_line 65536 y "$BATS_TEST_TMPDIR/cut"
  {
    printf 'peer: '
    cat "$BATS_TEST_TMPDIR/whole"
    printf 'peer: '
    cat "$BATS_TEST_TMPDIR/cut"
    printf 'peer: next\n'
  } >"$BATS_TEST_TMPDIR/expected"
  cat "$BATS_TEST_TMPDIR/whole" "$BATS_TEST_TMPDIR/long" >&"$SERVER_IN_FD"
  server_types "next"
  eventually file_has "$(out_of alice)" '^peer: next$'
  peer_lines_are "$(out_of alice)" "$BATS_TEST_TMPDIR/expected"
  run grep -av '^peer: ' "$(out_of alice)"
  assert_output "peer's line cut at 65536 bytes: the rest is dropped"
}

# long_line_bytes : a line longer than one direction of a connection can
# hold: the largest send buffer plus the largest receive buffer the kernel
# lets a TCP socket grow to (Linux: the last numbers of tcp_wmem and tcp_rmem,
# about 10 MiB together on many kernels, 36 MiB on newer ones), and at least
# 16 MiB. Shorter lines may fit whole in the buffers, and then even blocking
# writes would get through.
long_line_bytes() {
  local wmem=0 rmem=0 bytes=$((16 << 20))
  read -r _ _ wmem </proc/sys/net/ipv4/tcp_wmem 2>/dev/null || true
  read -r _ _ rmem </proc/sys/net/ipv4/tcp_rmem 2>/dev/null || true
  ((wmem + rmem > bytes)) && bytes=$((wmem + rmem))
  echo "$bytes"
}

@test "lines longer than the sockets' buffers, sent both ways at once, get through: no deadlock" {
  start_server_with_fifo p2p-chat
  chat_with alice
  # With blocking writes each side would wait in write() for the other to
  # read, and neither would. Each side prints the first 64 KiB of the
  # other's line (the rest is dropped), then the short line after it.
  bytes=$(long_line_bytes)
  for side in client server; do
    x_line "$bytes" "${side:0:1}" "$BATS_TEST_TMPDIR/from-$side"
    printf 'after the long line from the %s\n' "$side" >>"$BATS_TEST_TMPDIR/from-$side"
  done
  cat "$BATS_TEST_TMPDIR/from-client" >&"${CLIENT_FD[alice]}" 3>&- &
  writers=("$!")
  cat "$BATS_TEST_TMPDIR/from-server" >&"$SERVER_IN_FD" 3>&- &
  writers+=("$!")
  # Tens of MiB each way: more time than a condition that takes no
  # transfer (about 2 s on an idle machine, over 10 s on a busy one).
  if ! DEADLINE=$((DEADLINE * 3)) eventually file_has "$SERVER_OUT" '^peer: after the long line from the client$' ||
    ! DEADLINE=$((DEADLINE * 3)) eventually file_has "$(out_of alice)" '^peer: after the long line from the server$'; then
    kill "${writers[@]}" 2>/dev/null || true # stuck on a full FIFO: nobody reads
    fail "the lines did not get through"
  fi
  wait "${writers[@]}"
  for side in client server; do
    x_line 65536 "${side:0:1}" "$BATS_TEST_TMPDIR/cut"
    { printf 'peer: '; cat "$BATS_TEST_TMPDIR/cut"; echo "peer: after the long line from the $side"; } >"$BATS_TEST_TMPDIR/expected-from-$side"
  done
  peer_lines_are "$SERVER_OUT" "$BATS_TEST_TMPDIR/expected-from-client"
  peer_lines_are "$(out_of alice)" "$BATS_TEST_TMPDIR/expected-from-server"
}

# rss_kib PID : the resident memory of process PID, in KiB (VmRSS).
rss_kib() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }

# within_mib_of PID KIB MIB : process PID's memory is at most MIB MiB above KIB.
within_mib_of() {
  local now
  now=$(rss_kib "$1")
  ((now <= $2 + $3 * 1024)) || {
    echo "pid $1 uses $now KiB, from $2 KiB at the start" >&2
    return 1
  }
}

# send_64_mib FD : 64 MiB of x without a newline, into FD.
# send_64_mib FD : 64 MiB of x, no newline, written to FD within 2 x DEADLINE
# seconds (a program that stops reading makes the write wait: it fails then).
send_64_mib() {
  timeout "$((DEADLINE * 2))" sh -c "head -c $((64 << 20)) /dev/zero | tr '\\0' x" >&"$1" ||
    fail "the 64 MiB were not all taken within $((DEADLINE * 2)) s"
}

@test "a 64 MiB line without a newline leaves the server's memory within 4 MiB of its start, and the chat goes on" {
  start_server_with_fifo p2p-chat
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  eventually file_has "$SERVER_OUT" '^peer connected'
  before=$(rss_kib "$SERVER_PID")
  send_64_mib "$sock"
  printf '\nstill here\n' >&"$sock"
  eventually file_has "$SERVER_OUT" '^peer: still here$'
  within_mib_of "$SERVER_PID" "$before" 4
  assert file_has "$SERVER_OUT" "^peer's line cut at 65536 bytes: the rest is dropped$"
  server_types "and you?"
  read -r -t "$DEADLINE" line <&"$sock"
  assert_equal "$line" "and you?"
  exec {sock}>&-
  eventually file_has "$SERVER_OUT" 'closed$'
  # The next peer is served as usual.
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  eventually count_is 2 "$SERVER_OUT" '^peer connected'
  printf 'next\n' >&"$sock"
  eventually file_has "$SERVER_OUT" '^peer: next$'
  exec {sock}>&-
  within_mib_of "$SERVER_PID" "$before" 4
}

@test "the memory a long typed line took is given back when its peer leaves" {
  # AddressSanitizer keeps freed memory in quarantine (256 MiB by default):
  # in its build the resident size cannot show memory given back.
  grep -qs -- -fsanitize=address "$LABS/p2p-chat/.build-flags" &&
    skip "an AddressSanitizer build keeps freed memory in quarantine"
  start_server_with_fifo p2p-chat
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  eventually file_has "$SERVER_OUT" '^peer connected'
  before=$(rss_kib "$SERVER_PID")
  # 16 MiB typed to a peer that reads none of it: the server holds the line
  # (typed, then unsent) while the peer's buffers are full.
  x_line $((16 << 20)) t "$BATS_TEST_TMPDIR/line"
  write_within "$SERVER_IN_FD" "$BATS_TEST_TMPDIR/line"
  eventually send_queue_over 100000
  # Closed with data unread: the peer's kernel resets the connection.
  exec {sock}>&-
  eventually file_has "$SERVER_OUT" 'closed$'
  within_mib_of "$SERVER_PID" "$before" 4
}

# start_raw_server : a bare server (perl) that accepts one connection and
# sends it what the test writes to its stdin (send_line raw ...), reading
# nothing; sets RAW_PORT.
start_raw_server() {
  start_program raw perl -MIO::Socket::INET -e '
    my $l = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0,
      ReuseAddr => 1) or die "listen: $!";
    $| = 1;
    print "listening on 127.0.0.1 port ", $l->sockport, " (pid $$)\n";
    my $c = $l->accept or die "accept: $!";
    print "connected\n";
    while (sysread(STDIN, my $buf, 65536)) { print $c $buf or die "send: $!"; }'
  eventually file_has "$BATS_TEST_TMPDIR/raw.out" '^listening on '
  RAW_PORT=$(sed -n '1s/^listening on .* port \([0-9]*\) (pid [0-9]*)$/\1/p' "$BATS_TEST_TMPDIR/raw.out")
  [[ -n $RAW_PORT ]]
}

@test "a 64 MiB line without a newline leaves the client's memory within 4 MiB of its start, and the chat goes on" {
  start_raw_server
  start_client alice p2p-chat 127.0.0.1 "$RAW_PORT"
  eventually file_has "$BATS_TEST_TMPDIR/raw.out" '^connected$'
  before=$(rss_kib "${CLIENT_PID[alice]}")
  send_64_mib "${CLIENT_FD[raw]}"
  printf '\nstill here\n' >&"${CLIENT_FD[raw]}"
  eventually file_has "$(out_of alice)" '^peer: still here$'
  within_mib_of "${CLIENT_PID[alice]}" "$before" 4
  assert file_has "$(out_of alice)" "^peer's line cut at 65536 bytes: the rest is dropped$"
  is_running "${CLIENT_PID[alice]}"
}

# send_queue_over BYTES : the server's end of the chat holds more than
# BYTES the peer has not taken.
send_queue_over() {
  ss -Htn state established "( sport = :$SERVER_PORT )" | awk -v n="$1" '$2 > n { found = 1 } END { exit !found }'
}

@test "a peer that stops reading does not stop the server from hearing it" {
  start_server_with_fifo p2p-chat
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  eventually file_has "$SERVER_OUT" '^peer connected'
  # More than the peer's buffers take: the rest waits in the server.
  head -c 8388608 /dev/zero | tr '\0' 's' >"$BATS_TEST_TMPDIR/line"
  printf '\n' >>"$BATS_TEST_TMPDIR/line"
  write_within "$SERVER_IN_FD" "$BATS_TEST_TMPDIR/line"
  eventually send_queue_over 100000
  printf 'still hearing me?\n' >&"$sock"
  eventually file_has "$SERVER_OUT" '^peer: still hearing me\?$'
  # Closed with data unread, the peer's kernel resets the connection.
  exec {sock}>&-
  eventually file_has "$SERVER_ERR" '^server: peer vanished: (Connection reset by peer|Broken pipe)$'
  eventually file_has "$SERVER_OUT" 'closed$'
  chat_with bob
  send_line bob "next"
  eventually file_has "$SERVER_OUT" '^peer: next$'
}

@test "a killed client ends the chat and the server serves the next peer" {
  start_server_with_fifo p2p-chat
  chat_with alice
  send_line alice "about to die"
  eventually file_has "$SERVER_OUT" '^peer: about to die$'
  kill -KILL "${CLIENT_PID[alice]}"
  # Killed with nothing unread, its kernel closes the socket as close()
  # would: to the server this is an ordinary goodbye.
  eventually file_has "$SERVER_OUT" '^peer left$'
  eventually file_has "$SERVER_OUT" 'closed$'
  chat_with bob
  send_line bob "next"
  eventually file_has "$SERVER_OUT" '^peer: next$'
}

@test "a client that resets: the server says the peer vanished and goes on" {
  start_server_with_fifo p2p-chat
  run timeout "$DEADLINE" "$PEER" reset 127.0.0.1 "$SERVER_PORT"
  assert_success
  eventually file_has "$SERVER_ERR" '^server: peer vanished: Connection reset by peer$'
  eventually file_has "$SERVER_OUT" 'closed$'
  chat_with bob
  send_line bob "still here"
  eventually file_has "$SERVER_OUT" '^peer: still here$'
}

@test "a server killed with unread data resets: the client says so and exits 1" {
  start_server_with_fifo p2p-chat
  chat_with alice
  kill -STOP "$SERVER_PID"
  send_line alice "unread"
  # The line waits in the stopped server's receive queue...
  eventually unread_at_server
  # ...so its kernel answers the close with a reset.
  kill -KILL "$SERVER_PID"
  SERVER_PID=
  client_exits alice
  assert_equal "$CLIENT_STATUS" 1
  run cat "$BATS_TEST_TMPDIR/alice.err"
  assert_output "client: peer vanished: Connection reset by peer"
}

@test "a server killed mid-chat never leaves the client hanging" {
  start_server_with_fifo p2p-chat
  chat_with alice
  kill -KILL "$SERVER_PID"
  SERVER_PID=
  client_exits alice
  assert_equal "$CLIENT_STATUS" 0
  run cat "$(out_of alice)"
  assert_output "peer left"
}

@test "localhost reaches a server bound to 127.0.0.1 only" {
  start_server_with_fifo p2p-chat -b 127.0.0.1
  run localhost_ipv6_first timeout "$DEADLINE" "$CLIENT" localhost "$SERVER_PORT" <<<"via localhost"
  assert_success
  eventually file_has "$SERVER_OUT" '^peer: via localhost$'
}

@test "-b ::1 serves IPv6" {
  has_ipv6 || skip "this machine has no IPv6"
  start_server_with_fifo p2p-chat -b ::1
  assert file_has "$SERVER_OUT" '^listening on ::1 port [0-9]+ \(pid [0-9]+\)$'
  run timeout "$DEADLINE" "$CLIENT" ::1 "$SERVER_PORT" <<<"over IPv6"
  assert_success
  eventually file_has "$SERVER_OUT" '^peer: over IPv6$'
  assert file_has "$SERVER_OUT" '^peer connected from ::1 port [0-9]+$'
}

@test "-b 0.0.0.0 serves every IPv4 interface" {
  start_server_with_fifo p2p-chat -b 0.0.0.0
  assert file_has "$SERVER_OUT" '^listening on 0\.0\.0\.0 port [0-9]+ \(pid [0-9]+\)$'
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"any"
  assert_success
  eventually file_has "$SERVER_OUT" '^peer: any$'
}

@test "-q silences the connection log lines but not the chat" {
  start_server_with_fifo p2p-chat -q
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"quiet"
  assert_success
  eventually file_has "$SERVER_OUT" '^peer left$'
  stop_server
  run cat "$SERVER_OUT"
  assert_output --regexp $'^listening on [^\n]*\npeer: quiet\npeer left$'
}

@test "a bad command line exits 2 with a usage line" {
  for args in "-x" "65536" "-1" "port" "12ab" "1 2" "-b"; do
    # shellcheck disable=SC2086 # split on purpose: one case, several words
    run timeout "$DEADLINE" "$LABS/p2p-chat/server" $args </dev/null
    assert_failure 2
    assert_line --partial "usage: server [-b ADDR] [-q] [PORT]"
  done
  for args in "-x" "localhost 65536" "localhost port" "a 1 2"; do
    # shellcheck disable=SC2086
    run timeout "$DEADLINE" "$CLIENT" $args </dev/null
    assert_failure 2
    assert_line --partial "usage: client [HOST [PORT]]"
  done
}

@test "a bind address that is not numeric exits 2" {
  run timeout "$DEADLINE" "$LABS/p2p-chat/server" -b not-an-address 0 </dev/null
  assert_failure 2
  assert_line --partial "bad address 'not-an-address'"
}

@test "a port in use exits 1 and says bind failed and why" {
  start_server_with_fifo p2p-chat
  run timeout "$DEADLINE" "$LABS/p2p-chat/server" "$SERVER_PORT" </dev/null
  assert_failure 1
  assert_output "server: bind 127.0.0.1 port $SERVER_PORT: Address already in use"
}

@test "a refused connection exits 1 and says so" {
  start_server_with_fifo p2p-chat
  port=$SERVER_PORT
  stop_server
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$port" <<<"anyone?"
  assert_failure 1
  assert_output "client: connect to 127.0.0.1 port $port: Connection refused"
}

@test "an unknown host exits 1 and says so" {
  run timeout "$DEADLINE" "$CLIENT" no-such-host.invalid 5000 </dev/null
  assert_failure 1
  assert_output --partial "client: no-such-host.invalid port 5000: "
}

@test "SIGINT and SIGTERM stop the server with status 0, even mid-chat" {
  start_server_with_fifo p2p-chat
  stop_server INT
  rm "$BATS_TEST_TMPDIR/server.in"
  start_server_with_fifo p2p-chat
  chat_with alice
  stop_server TERM
  client_exits alice
  assert_equal "$CLIENT_STATUS" 0
  assert_equal "$(client_output alice)" "peer left"
}
