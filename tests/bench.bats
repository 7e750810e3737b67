#!/usr/bin/env bats
# bench: the load generator and the server meter behind `make bench`. These
# tests check that the numbers add up and that failures are counted, never
# how fast anything is.

load helpers

LOADGEN="$TESTS_DIR/bench/loadgen"
MEASURE="$TESTS_DIR/bench/measure"

setup_file() {
  make -s -C "$TESTS_DIR/bench"
}

# field NAME : the value of NAME=VALUE in loadgen's result line ($output).
field() {
  local kv
  for kv in $output; do
    if [[ ${kv%%=*} == "$1" ]]; then
      echo "${kv#*=}"
      return 0
    fi
  done
  echo "no field $1 in: $output" >&2
  return 1
}

# no_errors_of_any_kind : every err_* field of $output is 0.
no_errors_of_any_kind() {
  local kind
  for kind in connect timeout closed mismatch other; do
    assert_equal "err_$kind=$(field "err_$kind")" "err_$kind=0"
  done
}

# a_port_nobody_listens_on : sets FREE_PORT to the port of a server just stopped.
a_port_nobody_listens_on() {
  start_server tcp-echo -q
  FREE_PORT=$SERVER_PORT
  stop_server
}

@test "every reply of a tiny connection run is right and the counts add up" {
  start_server tcp-echo -q
  run --separate-stderr "$LOADGEN" -c 3 -r 20 -b 100 127.0.0.1 "$SERVER_PORT"
  assert_success
  assert_equal "$(field mode)" connections
  assert_equal "$(field attempted)" 60
  assert_equal "$(field ok)" 60
  assert_equal "$(field errors)" 0
  assert_equal "$(field connections)" 60
  assert_equal "$(field bytes_out)" 6000
  assert_equal "$(field bytes_in)" 6000
  no_errors_of_any_kind
  [[ -z $stderr ]]
}

@test "the latency percentiles are in order and the rate matches the count" {
  start_server tcp-echo -q
  run --separate-stderr "$LOADGEN" -c 2 -r 50 127.0.0.1 "$SERVER_PORT"
  assert_success
  awk -v p50="$(field p50_us)" -v p99="$(field p99_us)" -v max="$(field max_us)" \
    'BEGIN { exit !(0 < p50 && p50 <= p99 && p99 <= max) }'
  awk -v ok="$(field ok)" -v s="$(field seconds)" -v rate="$(field ops_per_s)" \
    'BEGIN { d = rate - ok / s; exit !(s > 0 && d * d < (0.001 * rate + 0.1) ^ 2) }'
}

@test "round trips on kept connections use one connection per client" {
  start_server tcp-echo -q
  run --separate-stderr "$LOADGEN" -p -c 3 -r 50 -b 10 127.0.0.1 "$SERVER_PORT"
  assert_success
  assert_equal "$(field mode)" round-trips
  assert_equal "$(field connections)" 3
  assert_equal "$(field ok)" 150
  assert_equal "$(field bytes_in)" 1500
  no_errors_of_any_kind
}

@test "a request bigger than the socket buffers comes back whole" {
  start_server tcp-echo -q
  run --separate-stderr "$LOADGEN" -c 2 -r 2 -b 1000000 127.0.0.1 "$SERVER_PORT"
  assert_success
  assert_equal "$(field ok)" 4
  assert_equal "$(field bytes_in)" 4000000
}

@test "the socketpair floor needs no server and its counts add up" {
  run --separate-stderr "$LOADGEN" -s -c 2 -r 100 -b 64
  assert_success
  assert_equal "$(field target)" socketpair
  assert_equal "$(field ok)" 200
  assert_equal "$(field errors)" 0
  assert_equal "$(field connections)" 0
  assert_equal "$(field bytes_in)" 12800
}

@test "a timed run stops near its time and counts what it did" {
  start_server tcp-echo -q
  run --separate-stderr "$LOADGEN" -c 2 -d 0.2 127.0.0.1 "$SERVER_PORT"
  assert_success
  (($(field ok) > 0))
  assert_equal "$(field attempted)" "$(field ok)"
  awk -v s="$(field seconds)" 'BEGIN { exit !(s >= 0.2 && s < 2) }'
}

@test "a bad command line exits 2 with the usage" {
  local args
  for args in "-x 127.0.0.1 1" "-c 0 127.0.0.1 1" "-r 1 -d 1 127.0.0.1 1" "127.0.0.1" \
    "127.0.0.1 70000" "127.0.0.1 1 2" "-d -1 127.0.0.1 1" "-s 127.0.0.1 1" "-b 0 -s"; do
    # shellcheck disable=SC2086 # each case is several words
    run --separate-stderr "$LOADGEN" $args
    assert_equal "status $status for: $args" "status 2 for: $args"
    assert_equal "$output" ""
    [[ $stderr == *"usage: loadgen "* ]]
  done
}

@test "a refused connection is counted as an error, not a crash" {
  a_port_nobody_listens_on
  run --separate-stderr "$LOADGEN" -c 2 -r 5 127.0.0.1 "$FREE_PORT"
  assert_failure 1
  assert_equal "$(field attempted)" 10
  assert_equal "$(field ok)" 0
  assert_equal "$(field errors)" 10
  assert_equal "$(field err_connect)" 10
  [[ $stderr == *"connect to 127.0.0.1 port $FREE_PORT: Connection refused"* ]]
}

@test "a reply with the wrong bytes is counted as a mismatch" {
  start_server tcp-echo -q
  # -u expects the pool's upper-case reply; the echo server sends the request back.
  run --separate-stderr "$LOADGEN" -u -c 2 -r 3 127.0.0.1 "$SERVER_PORT"
  assert_failure 1
  assert_equal "$(field err_mismatch)" 6
  assert_equal "$(field ok)" 0
  [[ $stderr == *"reply differs"* ]]
}

@test "a server that never answers gives timeouts, not a hang" {
  start_server tcp-echo -q
  # The iterative server serves this connection and no other until it closes.
  exec {held}<>"/dev/tcp/127.0.0.1/$SERVER_PORT"
  run --separate-stderr "$LOADGEN" -c 2 -r 1 -t 200 127.0.0.1 "$SERVER_PORT"
  exec {held}>&-
  assert_failure 1
  assert_equal "$(field err_timeout)" 2
  assert_equal "$(field errors)" 2
}

@test "idle connections are held, and those the server answers are counted" {
  start_server tcp-echo -q
  # One at a time: the iterative server answers the first idle connection
  # and then waits on it, so the others and the clients wait too.
  run --separate-stderr "$LOADGEN" -i 3 -c 1 -r 1 -t 200 127.0.0.1 "$SERVER_PORT"
  assert_failure 1
  assert_equal "$(field idle)" 3
  assert_equal "$(field idle_served)" 1
  assert_equal "$(field err_timeout)" 1
}

@test "measure reports the CPU time and memory of a server it stops" {
  local out=$BATS_TEST_TMPDIR/measure.out
  spawn /dev/null "$BATS_TEST_TMPDIR/server.out" "$BATS_TEST_TMPDIR/server.err" \
    "$MEASURE" -o "$out" "$LABS/tcp-echo/server" -q 0
  local meter=$SPAWNED_PID
  eventually file_has "$BATS_TEST_TMPDIR/server.out" '^listening on '
  local port
  port=$(sed -n '1s/.* port \([0-9]*\) (pid [0-9]*)$/\1/p' "$BATS_TEST_TMPDIR/server.out")
  "$LOADGEN" -c 2 -r 200 127.0.0.1 "$port" >/dev/null
  kill -TERM "$meter"
  wait "$meter"
  run cat "$out"
  assert_output --regexp '^status=exit:0 early=0 user_ms=[0-9.]+ sys_ms=[0-9.]+ peak_rss_kib=[1-9][0-9]* peak_pss_kib=[1-9][0-9]*$'
  awk -v u="$(field user_ms)" -v s="$(field sys_ms)" 'BEGIN { exit !(u + s > 0) }'
}

@test "measure counts the CPU time of processes the server orphans" {
  local out=$BATS_TEST_TMPDIR/measure.out
  # The command leaves a busy child behind and exits at once; measure adopts
  # the orphan, waits for it, and counts its CPU time.
  # shellcheck disable=SC2016 # the script is for sh, not for this shell
  run "$MEASURE" -o "$out" sh -c '(i=0; while [ $i -lt 200000 ]; do i=$((i + 1)); done) & exit 0'
  assert_success
  run cat "$out"
  assert_output --regexp '^status=exit:0 early=1 '
  awk -v u="$(field user_ms)" -v s="$(field sys_ms)" 'BEGIN { exit !(u + s >= 20) }'
}

@test "the bench prints a table with a row per design and writes its files" {
  run --separate-stderr env BENCH_DESIGNS="iterative floor" BENCH_SECONDS=0.2 BENCH_REPEAT=1 \
    BENCH_CLIENTS=2 BENCH_OUT="$BATS_TEST_TMPDIR/out" "$TESTS_DIR/bench/run"
  assert_success
  # shellcheck disable=SC2016 # backquotes in Markdown, not a command
  assert_line --regexp '^\| iterative \| `tcp-echo` \| [0-9,]+ \| .* \| 0 \|$'
  assert_line --regexp '^\| floor: socketpair, no server \| — \| — \| — \| — \| [0-9,]+ \| .* \| 0 \|$'
  [[ $stderr == *"[3/3] floor: socketpair, no server, round-trips, run 1 of 1:"* ]]
  assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/out/bench-runs.csv")" 4
  assert_equal "$(cut -d , -f 1 "$BATS_TEST_TMPDIR/out/bench.csv" | tr '\n' ' ')" "design iterative floor "
  cmp <(echo "$output") "$BATS_TEST_TMPDIR/out/bench.md"
  # The expectations say what was not measured, rather than pass or fail it.
  assert_line '- select: at least 3 times the connection rate of fork per connection (it creates nothing per connection): not measured in this run'
  assert_line --regexp '^- select: keeps at least 80% of its connection rate with 1000 idle connections \(.*\): run with BENCH_IDLE=1000 to see it$'
}

@test "the summary says which expectations a run meets and which it does not" {
  local runs=$BATS_TEST_TMPDIR/runs.csv titles
  # Made-up runs, one line each: fork 1000 conn/s at 200 ms of CPU per 1000
  # connections; select 2000 (2 times: less than 3), the prefork pool 4000;
  # the prethreaded pool at 40 ms against thread per connection's 100 (0.40:
  # at most half). Columns as tests/bench/run writes them.
  {
    echo design,mode,rep,clients,bytes,idle,idle_served,seconds,connections,attempted,ok,errors,err_connect,err_timeout,err_closed,err_mismatch,err_other,ops_per_s,p50_us,p99_us,max_us,user_ms,sys_ms,peak_rss_kib,peak_pss_kib,server_status,server_early,note
    echo fork,connections,1,2,64,0,0,1,1000,1000,1000,0,0,0,0,0,0,1000,100,200,300,100,100,1000,500,exit:0,0,
    echo thread,connections,1,2,64,0,0,1,3000,3000,3000,0,0,0,0,0,0,3000,100,200,300,150,150,1000,500,exit:0,0,
    echo select,connections,1,2,64,0,0,1,2000,2000,2000,0,0,0,0,0,0,2000,100,200,300,50,50,1000,500,exit:0,0,
    echo prefork,connections,1,2,64,0,0,1,4000,4000,4000,0,0,0,0,0,0,4000,100,200,300,100,100,1000,500,exit:0,0,
    echo prethread,connections,1,2,64,0,0,1,3500,3500,3500,0,0,0,0,0,0,3500,100,200,300,70,70,1000,500,exit:0,0,
  } >"$runs"
  titles=$(printf '%s\t%s\t%s\n' fork "fork per connection" reaper thread "thread per connection" threads \
    select select select prefork "prefork pool" pool prethread "prethreaded pool" pool)
  run awk -v titles="$titles" -v missing= -v idle=0 -v machine=M -v load=L -v when=W \
    -v csv=/dev/null -v plot=/dev/null -f "$TESTS_DIR/bench/summary.awk" "$runs"
  assert_success
  assert_line '- select: at least 3 times the connection rate of fork per connection (it creates nothing per connection): 2.0 times, **less than expected**'
  assert_line '- prefork pool: at least 3 times the connection rate of fork per connection (its processes exist before the first client): 4.0 times, as expected'
  assert_line '- prethreaded pool: at least 3 times the connection rate of fork per connection (its threads exist before the first client): 3.5 times, as expected'
  assert_line '- prethreaded pool: at most half the server CPU per connection of thread per connection (it reuses its threads instead of creating one per connection): 0.40 of it, as expected'
}

@test "a design that cannot serve under a load shows its errors in the table" {
  # With one idle connection held, the iterative server serves that one and
  # nobody else: both clients of the idle run time out.
  run --separate-stderr env BENCH_DESIGNS=iterative BENCH_IDLE=1 BENCH_SECONDS=0.2 \
    BENCH_REPEAT=1 BENCH_CLIENTS=2 BENCH_OUT="$BATS_TEST_TMPDIR/out" "$TESTS_DIR/bench/run"
  assert_success
  assert_line --regexp '^\| iterative \| .* \| 0 \| 0 \| 0% \| 1/1 \| [0-9.]+ MiB \| 2 \(timeout 2\) \|$'
  assert_line --regexp '^- iterative, idle: loadgen: client [12]: receive: nothing within [0-9]+ ms'
}

@test "the bench refuses an unknown design or a bad number" {
  run --separate-stderr env BENCH_DESIGNS="iterative nosuch" "$TESTS_DIR/bench/run"
  assert_failure 2
  [[ $stderr == *"unknown design 'nosuch'"* ]]
  run --separate-stderr env BENCH_CLIENTS=0 "$TESTS_DIR/bench/run"
  assert_failure 2
}

@test "the comparison with Stevens' and CS:APP's servers refuses to run without their code, or with a folder that is not it" {
  run --separate-stderr env -u BENCH_UNP -u BENCH_CSAPP "$TESTS_DIR/bench/anchors"
  assert_failure 2
  [[ $stderr == *"give BENCH_UNP (a checkout of unpbook/unpv13e) or BENCH_CSAPP"* ]]
  run --separate-stderr env BENCH_UNP="$BATS_TEST_TMPDIR" "$TESTS_DIR/bench/anchors"
  assert_failure 2
  [[ $stderr == *"BENCH_UNP=$BATS_TEST_TMPDIR: no configure and tcpcliserv/tcpservselect01.c there"* ]]
  run --separate-stderr env BENCH_CSAPP="$BATS_TEST_TMPDIR" "$TESTS_DIR/bench/anchors"
  assert_failure 2
  [[ $stderr == *"BENCH_CSAPP=$BATS_TEST_TMPDIR: no conc/echoservert_pre.c"* ]]
  run --separate-stderr env BENCH_CSAPP="$BATS_TEST_TMPDIR" ANCHOR_REPEAT=0 "$TESTS_DIR/bench/anchors"
  assert_failure 2
  [[ $stderr == *"ANCHOR_REPEAT must be a whole number >= 1, not '0'"* ]]
}
