#!/usr/bin/env bats
# pool: a preforked process pool and a prethreaded pool serving an upper-case
# echo, and the notes' random client.

load helpers

CLIENT="$LABS/pool/client"
SERVER="$LABS/pool/server"
# A reply of the random client: one of the notes' words, in upper case.
WORD_REPLY='^(HELLO|BYE|WHY|YES|NO|MAYBE|ARE YOU SURE|WHY NOT\?)$'

# The service changes exactly the bytes a-z, whatever the locale.
# shellcheck disable=SC2018,SC2019
upper() { tr 'a-z' 'A-Z'; }

# live_children PID : the children of PID that are not zombies.
live_children() { child_pids "$1" | while read -r pid; do is_running "$pid" && echo "$pid"; done; }
live_child_count() { live_children "$1" | wc -l; }
has_workers() { (($(live_child_count "$1") == $2)); }

# log_count_is REGEX N : the server's log has N lines matching REGEX.
log_count_is() { (($(count_lines "$SERVER_OUT" "$1") == $2)); }

# cpu_ticks PID : user plus system time PID has used, in clock ticks.
cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat") || return 1
  stat=${stat##*) }
  awk '{ print $12 + $13 }' <<<"$stat"
}

# ThreadSanitizer adds a thread of its own to a program that starts threads.
helper_threads() {
  if grep -q 'fsanitize=[a-z,]*thread' "$LABS/pool/.build-flags" 2>/dev/null; then echo 1; else echo 0; fi
}

# connected NAME WORD : client NAME sends WORD and gets it back in upper case.
connected() {
  send_line "$1" "$2"
  eventually file_has "$BATS_TEST_TMPDIR/$1.out" "^$(upper <<<"$2")\$"
}

@test "the server says where it listens, in both modes" {
  start_server pool
  first_line_names_server
  stop_server
  start_server pool -m thread
  first_line_names_server
}

@test "the reply is the line in upper case, in both modes" {
  for mode in process thread; do
    start_server pool -m "$mode"
    run --separate-stderr timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"Hello, World 42!"
    assert_success
    assert_output "HELLO, WORLD 42!"
    stop_server
  done
}

@test "only a to z change: every other byte comes back as it was" {
  start_server pool
  every_byte >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  upper <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/expected"
  "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/out"
}

@test "piped input gets no prompt, and q ends the client without sending it" {
  start_server pool
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'one\n\ntwo words\nq\nthree'
  assert_success
  assert_output $'ONE\n\nTWO WORDS'
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<$'Q\nc'
  assert_success
  assert_output ""
}

@test "at end of input the client exits 0 after every reply has arrived" {
  start_server pool -m thread
  seq 1 2000 | sed 's/$/ abc/' >"$BATS_TEST_TMPDIR/in"
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in"
  assert_success
  assert_output "$(upper <"$BATS_TEST_TMPDIR/in")"
}

@test "a 1 MiB line comes back upper-cased and whole" {
  start_server pool
  head -c 1048576 /dev/urandom | tr '\n' x >"$BATS_TEST_TMPDIR/in"
  printf '\n' >>"$BATS_TEST_TMPDIR/in"
  upper <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/expected"
  "$CLIENT" 127.0.0.1 "$SERVER_PORT" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
  cmp "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/out"
}

@test "two lines in one write and a line split over two writes all come back" {
  start_server pool -m thread
  exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  printf 'one\ntwo\nthr' >&"$sock"
  printf 'ee\n' >&"$sock"
  read -r -t "$DEADLINE" first <&"$sock"
  read -r -t "$DEADLINE" second <&"$sock"
  read -r -t "$DEADLINE" third <&"$sock"
  exec {sock}>&-
  assert_equal "$first $second $third" "ONE TWO THREE"
}

@test "process mode: the server forks exactly N workers, and they start in the log" {
  start_server pool -n 4
  eventually has_workers "$SERVER_PID" 4
  eventually log_count_is '^worker pid [0-9]+ started$' 4
  for pid in $(live_children "$SERVER_PID"); do
    assert file_has "$SERVER_OUT" "^worker pid $pid started\$"
  done
  assert_equal "$(thread_count "$SERVER_PID")" 1
  stop_server
  start_server pool
  eventually has_workers "$SERVER_PID" 3
}

@test "thread mode: the server runs N worker threads plus the main thread, no child" {
  start_server pool -m thread -n 4
  assert_equal "$(thread_count "$SERVER_PID")" $((5 + $(helper_threads)))
  assert_equal "$(child_pids "$SERVER_PID" | wc -l)" 0
  stop_server
  start_server pool -m thread
  assert_equal "$(thread_count "$SERVER_PID")" $((4 + $(helper_threads)))
}

@test "process mode: with -n 2 two clients are served and a third waits until one leaves" {
  start_server pool -n 2
  start_client a pool 127.0.0.1 "$SERVER_PORT"
  connected a first
  start_client b pool 127.0.0.1 "$SERVER_PORT"
  connected b second
  start_client c pool 127.0.0.1 "$SERVER_PORT"
  send_line c third
  not_within 500 file_has "$BATS_TEST_TMPDIR/c.out" THIRD
  assert_equal "$(count_lines "$SERVER_OUT" ': connection from')" 2

  end_input a
  client_exits a
  assert_equal "$CLIENT_STATUS" 0
  eventually file_has "$BATS_TEST_TMPDIR/c.out" '^THIRD$'
  assert_equal "$(count_lines "$SERVER_OUT" ': connection from')" 3
  connected b "still served"
  end_input b
  end_input c
  client_exits b
  client_exits c
  assert_equal "$CLIENT_STATUS" 0
}

@test "thread mode: with -n 2 two clients are served and a third waits until one leaves" {
  start_server pool -m thread -n 2
  start_client a pool 127.0.0.1 "$SERVER_PORT"
  connected a first
  start_client b pool 127.0.0.1 "$SERVER_PORT"
  connected b second
  start_client c pool 127.0.0.1 "$SERVER_PORT"
  send_line c third
  eventually file_has "$SERVER_OUT" '^no free worker: 127\.0\.0\.1 port [0-9]+ waits$'
  not_within 500 file_has "$BATS_TEST_TMPDIR/c.out" THIRD
  assert_equal "$(count_lines "$SERVER_OUT" ': connection from')" 2

  end_input b
  client_exits b
  assert_equal "$CLIENT_STATUS" 0
  eventually file_has "$BATS_TEST_TMPDIR/c.out" '^THIRD$'
  assert_equal "$(count_lines "$SERVER_OUT" ': connection from')" 3
  connected a "still served"
  end_input a
  end_input c
  client_exits a
  client_exits c
  assert_equal "$CLIENT_STATUS" 0
}

@test "the log names the worker: its pid in process mode, its number in thread mode" {
  start_server pool -n 2
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"x"
  eventually file_has "$SERVER_OUT" '^worker pid [0-9]+: 127\.0\.0\.1 port [0-9]+ closed$'
  pid=$(sed -n 's/^worker pid \([0-9]*\): connection from 127\.0\.0\.1 port [0-9]*$/\1/p' "$SERVER_OUT")
  assert [ -n "$pid" ]
  live_children "$SERVER_PID" | grep -qx "$pid"
  stop_server

  start_server pool -m thread -n 2
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"x"
  eventually file_has "$SERVER_OUT" '^worker [12]: 127\.0\.0\.1 port [0-9]+ closed$'
  assert file_has "$SERVER_OUT" '^worker [12]: connection from 127\.0\.0\.1 port [0-9]+$'
}

@test "-q silences the per-connection lines but not the workers' starts" {
  start_server pool -q -n 2
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"quiet"
  assert_output "QUIET"
  stop_server
  run grep -vE '^(listening on|worker pid [0-9]+ (started|stopped)$)' "$SERVER_OUT"
  assert_output ""
  assert_equal "$(count_lines "$SERVER_OUT" 'started$')" 2
  start_server pool -q -m thread -n 1
  start_client held pool 127.0.0.1 "$SERVER_PORT"
  connected held busy
  start_client waiting pool 127.0.0.1 "$SERVER_PORT"
  send_line waiting "waits"
  not_within 300 file_has "$BATS_TEST_TMPDIR/waiting.out" WAITS
  end_input held
  eventually file_has "$BATS_TEST_TMPDIR/waiting.out" '^WAITS$'
  end_input waiting
  client_exits held
  client_exits waiting
  run cat "$SERVER_OUT"
  assert_line --index 0 --regexp '^listening on '
  assert_equal "${#lines[@]}" 1 # nothing but the listening line
}

@test "a worker killed with SIGKILL is replaced, and the pool serves on" {
  start_server pool -n 2
  eventually has_workers "$SERVER_PID" 2
  start_client talker pool 127.0.0.1 "$SERVER_PORT"
  connected talker before
  victim=$(sed -n 's/^worker pid \([0-9]*\): connection from.*/\1/p' "$SERVER_OUT")
  start_client other pool 127.0.0.1 "$SERVER_PORT"
  connected other "served by the other worker"
  kill -KILL "$victim"
  eventually file_has "$SERVER_OUT" "^worker pid $victim killed by signal 9\$"
  eventually file_has "$SERVER_OUT" "^worker pid [0-9]+ replaces worker pid $victim\$"
  eventually has_workers "$SERVER_PID" 2
  assert_equal "$(zombie_children "$SERVER_PID")" 0
  live_children "$SERVER_PID" | { ! grep -qx "$victim"; }

  # The client of the dead worker sees its connection end...
  send_line talker after
  client_exits talker
  assert_equal "$CLIENT_STATUS" 1
  run cat "$BATS_TEST_TMPDIR/talker.err"
  assert_output --regexp '^client: (the server closed the connection before replying in full|send: Broken pipe|receive: Connection reset by peer)$'
  # ... the other worker's client does not notice ...
  connected other "still served"
  end_input other
  client_exits other
  assert_equal "$CLIENT_STATUS" 0
  # ... and the next clients are served.
  for i in 1 2 3; do
    run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"again $i"
    assert_output "AGAIN $i"
  done
}

@test "a worker ended by a signal from outside is replaced too, and the log says how it ended" {
  start_server pool -n 1
  eventually has_workers "$SERVER_PID" 1
  worker=$(live_children "$SERVER_PID")
  kill -TERM "$worker"
  eventually file_has "$SERVER_OUT" "^worker pid $worker killed by signal 15\$"
  eventually file_has "$SERVER_OUT" "^worker pid [0-9]+ replaces worker pid $worker\$"
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"served"
  assert_output "SERVED"
}

# subreaper_exits_killed : the server run by the subreaper was killed with
# SIGKILL; once its orphans are gone too, the subreaper exits 128 + 9.
subreaper_exits_killed() {
  local pid=$SERVER_PID status=0
  SERVER_PID=
  eventually not is_running "$pid"
  wait "$pid" || status=$?
  assert_equal "$status" $((128 + 9))
}

@test "idle workers of a server killed with SIGKILL leave at once, and the port is free again" {
  # The subreaper adopts the orphaned workers (and reaps them), in place of PID 1.
  start_server_under_subreaper pool -n 3
  eventually has_workers "$SERVER_CHILD_PID" 3
  workers=$(live_children "$SERVER_CHILD_PID")
  kill -KILL "$SERVER_CHILD_PID"
  # No client comes: the workers notice the supervisor's death by themselves.
  for worker in $workers; do
    eventually not is_running "$worker"
    assert file_has "$SERVER_OUT" "^worker pid $worker: the server is gone, leaving\$"
    eventually file_has "$SERVER_ERR" "^subreaper: reaped adopted pid $worker, exit status 0\$"
  done
  subreaper_exits_killed
  # Nobody holds the listening socket any more: a new server binds the very
  # same port at once.
  spawn /dev/null "$BATS_TEST_TMPDIR/second.out" "$BATS_TEST_TMPDIR/second.err" \
    "$SERVER" -n 1 "$SERVER_PORT"
  second=$SPAWNED_PID
  eventually file_has "$BATS_TEST_TMPDIR/second.out" "^listening on 127\.0\.0\.1 port $SERVER_PORT "
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"new server"
  assert_output "NEW SERVER"
  kill -TERM "$second"
  wait "$second"
}

@test "a worker busy when its server is killed with SIGKILL finishes its client, then leaves" {
  start_server_under_subreaper pool -n 2
  eventually has_workers "$SERVER_CHILD_PID" 2
  start_client talker pool 127.0.0.1 "$SERVER_PORT"
  connected talker before
  busy=$(sed -n 's/^worker pid \([0-9]*\): connection from.*/\1/p' "$SERVER_OUT")
  idle=$(live_children "$SERVER_CHILD_PID" | grep -vx "$busy")
  kill -KILL "$SERVER_CHILD_PID"
  eventually file_has "$SERVER_OUT" "^worker pid $idle: the server is gone, leaving\$"
  # The busy worker still serves its client to the end...
  connected talker "after the server died"
  is_running "$busy"
  end_input talker
  client_exits talker
  assert_equal "$CLIENT_STATUS" 0
  # ... and only then leaves.
  eventually file_has "$SERVER_OUT" "^worker pid $busy: the server is gone, leaving\$"
  eventually file_has "$SERVER_ERR" "^subreaper: reaped adopted pid $busy, exit status 0\$"
  subreaper_exits_killed
}

@test "SIGTERM stops every worker: none is left alive, not even as a zombie" {
  start_server pool -n 3
  eventually has_workers "$SERVER_PID" 3
  workers=$(live_children "$SERVER_PID")
  start_client busy pool 127.0.0.1 "$SERVER_PORT"
  connected busy "in the middle"
  stop_server TERM
  for pid in $workers; do
    assert [ ! -e "/proc/$pid" ]
    assert file_has "$SERVER_OUT" "^worker pid $pid stopped\$"
  done
  send_line busy "after"
  client_exits busy
  assert_equal "$CLIENT_STATUS" 1
}

@test "SIGINT stops the pool with status 0 in both modes" {
  start_server pool -n 2
  eventually has_workers "$SERVER_PID" 2
  workers=$(live_children "$SERVER_PID")
  stop_server INT
  for pid in $workers; do
    assert [ ! -e "/proc/$pid" ]
  done
  start_server pool -m thread
  start_client idle pool 127.0.0.1 "$SERVER_PORT"
  connected idle connected
  stop_server INT
}

@test "Ctrl-C in a terminal (SIGINT to the whole group) stops the pool cleanly" {
  start_server pool -n 3
  eventually has_workers "$SERVER_PID" 3
  workers=$(live_children "$SERVER_PID")
  # The terminal signals every process of its foreground group at once.
  pid=$SERVER_PID
  SERVER_PID=
  kill -INT -- "-$pid"
  eventually not is_running "$pid"
  status=0
  wait "$pid" || status=$?
  assert_equal "$status" 0
  eventually group_is_empty "$pid"
  assert_equal "$(count_lines "$SERVER_OUT" '^worker pid [0-9]+ stopped$')" 3
  for pid in $workers; do
    assert [ ! -e "/proc/$pid" ]
  done
  assert_equal "$(count_lines "$SERVER_OUT" 'killed by signal|replaces')" 0
}

@test "stopping the pool signals only its workers, not the script that started it" {
  out="$BATS_TEST_TMPDIR/script.out"
  # The script leads the process group; the server is a member of it.
  # shellcheck disable=SC2016 # expanded by the script, not here
  spawn /dev/null "$out" "$BATS_TEST_TMPDIR/script.err" bash -c \
    '"$1" -n 2 0 & echo "server $!"; wait "$!"; echo "the script saw status $?"' \
    script "$SERVER"
  script=$SPAWNED_PID
  eventually file_has "$out" '^listening on '
  server=$(sed -n 's/^server //p' "$out")
  eventually has_workers "$server" 2
  kill -TERM "$server"
  eventually file_has "$out" '^the script saw status 0$'
  wait "$script"
  assert_equal "$(count_lines "$out" '^worker pid [0-9]+ stopped$')" 2
}

@test "200 clients one after another all get their replies, in both modes" {
  for mode in process thread; do
    start_server pool -m "$mode" -q -n 2
    for i in $(seq 1 200); do # bash's own connections: no process each
      exec {sock}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
      printf 'client %d\n' "$i" >&"$sock"
      reply=''
      read -r -t "$DEADLINE" reply <&"$sock"
      exec {sock}>&-
      [[ $reply == "CLIENT $i" ]] || fail "client $i got '$reply'"
    done
    stop_server
  done
}

@test "50 clients at once all get correct replies, in both modes" {
  for mode in process thread; do
    start_server pool -m "$mode" -n 3
    run --separate-stderr timeout "$DEADLINE" "$CLIENT" -c 50 -n 2 -d 10 127.0.0.1 "$SERVER_PORT"
    assert_success
    assert_equal "$(grep -c '^\[client [0-9]*\] local address 127\.0\.0\.1 port [0-9]*$' <<<"$output")" 50
    replies=$(grep -v '] local address ' <<<"$output")
    assert_equal "$(wc -l <<<"$replies")" 100
    assert_equal "$(grep -cvE "^\[client [0-9]+\] ${WORD_REPLY#^}" <<<"$replies")" 0
    # two replies for each of the clients 1 to 50
    assert_equal "$(sed -E 's/^\[client ([0-9]+)\] .*/\1/' <<<"$replies" | sort -n | uniq -c | awk '$1 == 2 { n++ } END { print n + 0 }')" 50
    eventually log_count_is ' closed$' 50
    assert_equal "$(count_lines "$SERVER_OUT" ': connection from')" 50
    stop_server
  done
}

@test "the thread pool's handoff is clean under ThreadSanitizer" {
  tsan_server="$BATS_TEST_TMPDIR/server"
  printf 'int main(void) { return 0; }\n' >"$BATS_TEST_TMPDIR/probe.c"
  if ! "${CC:-cc}" -fsanitize=thread -o "$BATS_TEST_TMPDIR/probe" "$BATS_TEST_TMPDIR/probe.c" 2>/dev/null ||
    ! "$BATS_TEST_TMPDIR/probe" 2>/dev/null; then
    skip "${CC:-cc} cannot build and run ThreadSanitizer programs here"
  fi
  "${CC:-cc}" -std=c11 -D_POSIX_C_SOURCE=200809L -I"$ROOT/common" -g -O1 -fsanitize=thread \
    -pthread -o "$tsan_server" "$LABS/pool/server.c"
  spawn /dev/null "$BATS_TEST_TMPDIR/tsan.out" "$BATS_TEST_TMPDIR/tsan.err" \
    env TSAN_OPTIONS=halt_on_error=1:exitcode=99 "$tsan_server" -m thread -n 2 -q 0
  pid=$SPAWNED_PID
  eventually file_has "$BATS_TEST_TMPDIR/tsan.out" '^listening on '
  port=$(sed -n '1s/.* port \([0-9]*\) (pid [0-9]*)$/\1/p' "$BATS_TEST_TMPDIR/tsan.out")
  run --separate-stderr timeout "$DEADLINE" "$CLIENT" -c 20 -n 3 -d 2 127.0.0.1 "$port"
  assert_success
  assert_equal "$(grep -cE '] [A-Z ?]+$' <<<"$output")" 60
  kill -TERM "$pid"
  status=0
  wait "$pid" || status=$?
  no_sanitizer_reports "$BATS_TEST_TMPDIR/tsan.err"
  assert_equal "$status" 0
}

@test "while every worker is busy the server sleeps instead of spinning" {
  for mode in thread process; do
    start_server pool -m "$mode" -n 1
    start_client "held-$mode" pool 127.0.0.1 "$SERVER_PORT"
    connected "held-$mode" busy
    start_client "waiting-$mode" pool 127.0.0.1 "$SERVER_PORT"
    send_line "waiting-$mode" "wait"
    [[ $mode == process ]] || eventually file_has "$SERVER_OUT" '^no free worker'
    before=$(cpu_ticks "$SERVER_PID")
    not_within 300 file_has "$BATS_TEST_TMPDIR/waiting-$mode.out" WAIT
    after=$(cpu_ticks "$SERVER_PID")
    # A spinning thread would burn about 30 ticks in these 0.3 seconds.
    assert [ $((after - before)) -le 5 ]
    end_input "held-$mode"
    eventually file_has "$BATS_TEST_TMPDIR/waiting-$mode.out" '^WAIT$'
    end_input "waiting-$mode"
    client_exits "held-$mode"
    client_exits "waiting-$mode"
    stop_server
  done
}

@test "the random client prints its local address, then a word of the notes per reply" {
  start_server pool
  run --separate-stderr timeout "$DEADLINE" "$CLIENT" -n 6 -d 5 127.0.0.1 "$SERVER_PORT"
  assert_success
  assert_equal "${#lines[@]}" 7
  assert_line --index 0 --regexp '^local address 127\.0\.0\.1 port [0-9]+$'
  for i in 1 2 3 4 5 6; do
    assert_line --index "$i" --regexp "$WORD_REPLY"
  done
  port=${lines[0]##* }
  eventually file_has "$SERVER_OUT" "^worker pid [0-9]+: 127\.0\.0\.1 port $port closed\$"
}

@test "two runs of the random client pick different words" {
  start_server pool -m thread
  "$CLIENT" -n 12 -d 0 127.0.0.1 "$SERVER_PORT" | tail -n +2 >"$BATS_TEST_TMPDIR/first"
  "$CLIENT" -n 12 -d 0 127.0.0.1 "$SERVER_PORT" | tail -n +2 >"$BATS_TEST_TMPDIR/second"
  assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/first")" 12
  run ! cmp -s "$BATS_TEST_TMPDIR/first" "$BATS_TEST_TMPDIR/second"
}

@test "the random client pauses at most -d milliseconds before each message" {
  command -v strace >/dev/null || skip "strace is not installed"
  start_server pool -m thread
  # The pauses it asks the kernel for, not the time it takes: no timing.
  # (LeakSanitizer cannot run under ptrace: off here in a sanitizer build.)
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" run timeout "$DEADLINE" strace -qq -e trace=nanosleep,clock_nanosleep -o "$BATS_TEST_TMPDIR/sleeps" \
    "$CLIENT" -n 4 -d 200 127.0.0.1 "$SERVER_PORT"
  assert_success
  assert_equal "${#lines[@]}" 5
  mapfile -t pauses < <(sed -nE 's/.*nanosleep\(.*\{tv_sec=([0-9]+), tv_nsec=([0-9]+)\}.*/\1 \2/p' "$BATS_TEST_TMPDIR/sleeps")
  assert_equal "${#pauses[@]}" 4 # one before each message
  total=0
  for pause in "${pauses[@]}"; do
    read -r sec nsec <<<"$pause"
    ms=$((sec * 1000 + nsec / 1000000))
    assert [ "$ms" -le 200 ]
    total=$((total + ms))
  done
  assert [ "$total" -gt 0 ] # four random pauses are not all 0 ms
}

@test "-c N runs N random clients at the same time, each line labelled" {
  start_server pool -n 3
  run --separate-stderr timeout "$DEADLINE" "$CLIENT" -c 3 -n 4 -d 200 127.0.0.1 "$SERVER_PORT"
  assert_success
  for i in 1 2 3; do
    mine=$(grep "^\[client $i\] " <<<"$output")
    assert_equal "$(wc -l <<<"$mine")" 5
    head -n 1 <<<"$mine" | grep -qE '^\[client [0-9]+\] local address 127\.0\.0\.1 port [0-9]+$'
    assert_equal "$(tail -n +2 <<<"$mine" | grep -cE "^\[client $i\] ${WORD_REPLY#^}")" 4
  done
  # All three were connected before the first one left.
  eventually log_count_is ' closed$' 3
  run sed -n '/closed$/q; /connection from/p' "$SERVER_OUT"
  assert_equal "${#lines[@]}" 3
}

@test "-c: when clients fail, the client says how many and exits 1" {
  start_server pool
  port=$SERVER_PORT
  stop_server
  run --separate-stderr timeout "$DEADLINE" "$CLIENT" -c 3 -n 1 127.0.0.1 "$port"
  assert_failure 1
  # shellcheck disable=SC2154 # run --separate-stderr sets $stderr
  assert_equal "$(grep -c "^client: connect to 127\.0\.0\.1 port $port: Connection refused\$" <<<"$stderr")" 3
  assert_equal "$(tail -n 1 <<<"$stderr")" "client: 3 of 3 clients failed"
}

@test "a bad command line exits 2 with a usage line" {
  for args in "-x" "65536" "-1" "port" "12ab" "1 2" "-b" "-m" "-m fork" "-n" "-n 0" "-n x" "-n 1001" "-n -2" \
    "-t" "-t x" "-t -1" "-t 86401" "-t 1.5"; do
    # shellcheck disable=SC2086 # split on purpose: one case, several words
    run timeout "$DEADLINE" "$SERVER" $args
    assert_failure 2
    assert_line --partial "usage: server [-m process|thread] [-n N] [-t SECONDS] [-b ADDR] [-q] [PORT]"
  done
  for args in "-x" "localhost 65536" "localhost port" "a 1 2" "-n" "-n x" "-n -1" "-c 0" "-c 1001" "-d x" "-d 60001"; do
    # shellcheck disable=SC2086
    run timeout "$DEADLINE" "$CLIENT" $args </dev/null
    assert_failure 2
    assert_line --partial "usage: client [-n COUNT] [-d MS] [-c N] [HOST [PORT]]"
  done
}

@test "a bind address that is not numeric exits 2" {
  run timeout "$DEADLINE" "$SERVER" -b not-an-address 0
  assert_failure 2
  assert_line --partial "bad address 'not-an-address'"
  run timeout "$DEADLINE" "$SERVER" -m thread -b not-an-address 0
  assert_failure 2
}

@test "a port in use exits 1 and says bind failed and why, in both modes" {
  start_server pool
  for mode in process thread; do
    run timeout "$DEADLINE" "$SERVER" -m "$mode" "$SERVER_PORT"
    assert_failure 1
    assert_output "server: bind 127.0.0.1 port $SERVER_PORT: Address already in use"
  done
}

@test "a refused connection exits 1 and says so, base and random client alike" {
  start_server pool
  port=$SERVER_PORT
  stop_server
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$port" <<<"anyone?"
  assert_failure 1
  assert_output "client: connect to 127.0.0.1 port $port: Connection refused"
  run timeout "$DEADLINE" "$CLIENT" -n 3 127.0.0.1 "$port"
  assert_failure 1
  assert_output "client: connect to 127.0.0.1 port $port: Connection refused"
}

@test "an unknown host exits 1 and says so" {
  run timeout "$DEADLINE" "$CLIENT" no-such-host.invalid 5090 </dev/null
  assert_failure 1
  assert_output --partial "client: no-such-host.invalid port 5090: "
}

@test "localhost reaches a server bound to 127.0.0.1, and -b 0.0.0.0 serves IPv4" {
  start_server pool -b 127.0.0.1
  run localhost_ipv6_first timeout "$DEADLINE" "$CLIENT" localhost "$SERVER_PORT" <<<"via localhost"
  assert_output "VIA LOCALHOST"
  stop_server
  start_server pool -m thread -b 0.0.0.0
  assert file_has "$SERVER_OUT" '^listening on 0\.0\.0\.0 port [0-9]+ \(pid [0-9]+\)$'
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"any"
  assert_output "ANY"
}

@test "-b ::1 serves IPv6 in both modes" {
  has_ipv6 || skip "this machine has no IPv6"
  for mode in process thread; do
    start_server pool -m "$mode" -b ::1
    assert file_has "$SERVER_OUT" '^listening on ::1 port [0-9]+ \(pid [0-9]+\)$'
    run timeout "$DEADLINE" "$CLIENT" ::1 "$SERVER_PORT" <<<"over IPv6"
    assert_output "OVER IPV6"
    eventually file_has "$SERVER_OUT" ': connection from ::1 port [0-9]+$'
    stop_server
  done
}

@test "a client that resets its connection leaves the pool serving" {
  for mode in process thread; do
    start_server pool -m "$mode" -n 1
    run "$PEER" reset 127.0.0.1 "$SERVER_PORT"
    assert_success
    eventually file_has "$SERVER_OUT" 'closed$'
    run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still here"
    assert_output "STILL HERE"
    stop_server
  done
}

@test "a client that stops reading and leaves does not stop the pool" {
  for mode in process thread; do
    start_server pool -m "$mode" -n 1
    run "$PEER" flood 127.0.0.1 "$SERVER_PORT"
    assert_success
    eventually file_has "$SERVER_ERR" '^server: worker (pid )?[0-9]+: write to 127\.0\.0\.1 port [0-9]+: (Connection reset by peer|Broken pipe)$'
    run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"still here"
    assert_output "STILL HERE"
    stop_server
  done
}

@test "-t 1: three silent connections are closed after a second, and a fourth client is served, in both modes" {
  for mode in process thread; do
    start_server pool -m "$mode" -n 3 -t 1
    hold_connections 3 # connected, and never a byte
    start=$(now_ms)
    run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"my turn"
    assert_success
    assert_output "MY TURN"
    # Served once a silent one was closed: after about a second, not at once.
    (($(now_ms) - start >= 500)) || fail "served after $(($(now_ms) - start)) ms: no worker was held?"
    eventually log_count_is ': 127\.0\.0\.1 port [0-9]+ silent for 1 s: closing$' 3
    release_connections
    stop_server
    rm "$BATS_TEST_TMPDIR/hold.in"
  done
}

@test "-t 0: three silent connections hold a pool of three, and a fourth client waits until one leaves" {
  start_server pool -n 3 -t 0
  hold_connections 3
  start_client late pool 127.0.0.1 "$SERVER_PORT"
  send_line late "waiting"
  not_within 2500 file_has "$BATS_TEST_TMPDIR/late.out" '^WAITING$'
  release_connections
  eventually file_has "$BATS_TEST_TMPDIR/late.out" '^WAITING$'
  refute file_has "$SERVER_OUT" 'silent for'
}

@test "-t 1: a client that sends and never reads is closed once a reply waits a second, and the pool serves on" {
  start_server pool -n 1 -t 1
  # It sends until both sides' buffers are full: the worker is stuck in write().
  start_peer staller stall-echo 127.0.0.1 "$SERVER_PORT"
  eventually file_has "$SERVER_OUT" ': 127\.0\.0\.1 port [0-9]+ read nothing for 1 s: closing$'
  run timeout "$DEADLINE" "$CLIENT" 127.0.0.1 "$SERVER_PORT" <<<"next"
  assert_success
  assert_output "NEXT"
}

@test "the client says so when the thread pool server dies in the middle" {
  start_server pool -m thread
  start_client talker pool 127.0.0.1 "$SERVER_PORT"
  connected talker before
  kill -KILL "$SERVER_PID"
  SERVER_PID=
  send_line talker "after"
  client_exits talker
  assert_equal "$CLIENT_STATUS" 1
  run cat "$BATS_TEST_TMPDIR/talker.err"
  assert_output --regexp '^client: (the server closed the connection before replying in full|send: Broken pipe|receive: Connection reset by peer)$'
}
