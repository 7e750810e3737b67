#!/usr/bin/env bats
# The handouts: one per lab, listed in the index and the README, with
# transcripts that match a fresh run, and the demo that plays them.

load helpers

labs() {
  local dir
  for dir in "$LABS"/*/; do
    [[ -f $dir/Makefile ]] && basename "$dir"
  done
}

@test "every lab has a handout handouts/NN-LAB.md" {
  for lab in $(labs); do
    ls "$ROOT"/handouts/[0-9][0-9]-"$lab".md >/dev/null
  done
}

@test "the handout index and the README's lab table list every handout" {
  for handout in "$ROOT"/handouts/[0-9][0-9]-*.md; do
    name=$(basename "$handout")
    grep -qF "($name)" "$ROOT/handouts/README.md" || fail "handouts/README.md does not link $name"
    grep -qF "(handouts/$name)" "$ROOT/README.md" || fail "README.md does not link handouts/$name"
  done
}

@test "every lab's handout has its sections, exercises and a sequence diagram" {
  for lab in $(labs); do
    handout=$(ls "$ROOT"/handouts/[0-9][0-9]-"$lab".md)
    for heading in "## What you will learn" "## From the notes' Python to C" \
      "## The code, function by function" "## Run it" "## Observe" "## Exercises"; do
      grep -qxF "$heading" "$handout" || fail "$(basename "$handout") has no '$heading'"
    done
    exercises=$(sed -n '/^## Exercises$/,/^## /p' "$handout" | grep -cE '^[0-9]+\. ')
    ((exercises >= 3 && exercises <= 6)) || fail "$(basename "$handout") has $exercises exercises"
    grep -qxF '```mermaid' "$handout" || fail "$(basename "$handout") has no mermaid diagram"
  done
}

@test "every transcript in the handouts matches a fresh run" {
  # The packet captures have a test of their own (below). Every scene of every
  # lab takes longer than one test's deadline (TEST_DEADLINE, 100 s): minutes
  # on a busy machine. This test gets a deadline of its own.
  stop_watchdog || true # it cannot have fired yet; its wait reports the kill
  rm -f "$BATS_TEST_TMPDIR/.watchdog"
  TEST_DEADLINE=${TRANSCRIPTS_DEADLINE:-900} # read by start_watchdog and stop_watchdog
  export TEST_DEADLINE
  start_watchdog
  SCENE_NO_CAPTURE=1 run "$ROOT/tests/play" check
  assert_success
}

@test "transcripts show fixed ports and pids, even when a real pid is a number shown for another" {
  # A fresh machine hands out pids near 4000: the pool's second worker may
  # really be pid 4000, the number the server is shown as.
  printf '%s\n' '20446 20446' '1234 4000' '4000 4001' '4003 4002' >"$BATS_TEST_TMPDIR/masks"
  printf '%s\n' 'listening on 127.0.0.1 port 20446 (pid 1234)' 'worker pid 4000 started' \
    'worker pid 4003 started' '127.0.0.1 port 51234 and 127.0.0.1:40000, pid 777' \
    'kill 4003 1234' >"$BATS_TEST_TMPDIR/raw"
  run "$ROOT/tests/tools/normalise" "$BATS_TEST_TMPDIR/masks" "$BATS_TEST_TMPDIR/raw"
  assert_success
  assert_output "$(printf '%s\n' 'listening on 127.0.0.1 port 20446 (pid 4000)' \
    'worker pid 4001 started' 'worker pid 4002 started' \
    '127.0.0.1 port 50001 and 127.0.0.1:50002, pid 4003' 'kill 4002 4000')"
}

@test "a real pid equal to the lab's port is shown as the pid after pid, as the port after port, : or /dev/tcp" {
  # In a fresh PID namespace the p2p-chat server was once pid 5000, its port.
  printf '%s
' '5000 5000' '5000 4000' >"$BATS_TEST_TMPDIR/masks"
  printf '%s
' 'listening on 127.0.0.1 port 5000 (pid 5000)' '$ exec 5<>/dev/tcp/127.0.0.1/5000' \
    'LISTEN 127.0.0.1:5000 0.0.0.0:*' >"$BATS_TEST_TMPDIR/raw"
  run "$ROOT/tests/tools/normalise" "$BATS_TEST_TMPDIR/masks" "$BATS_TEST_TMPDIR/raw"
  assert_success
  assert_output "$(printf '%s\n' 'listening on 127.0.0.1 port 5000 (pid 4000)' \
    '$ exec 5<>/dev/tcp/127.0.0.1/5000' 'LISTEN 127.0.0.1:5000 0.0.0.0:*')"
}

@test "the transcripts of the wire (tcpdump) match a fresh capture" {
  # The skip names only what is missing here.
  local missing=''
  command -v tcpdump >/dev/null || missing=tcpdump
  ((EUID == 0)) || missing="${missing:+$missing and }root (or CAP_NET_RAW)"
  if [[ -n $missing ]]; then
    # CI runs as root with tcpdump installed: there, this must not skip.
    [[ ${CI:-} != true ]] || fail "CI must be able to capture packets, but it lacks $missing"
    skip "capturing packets needs $missing"
  fi
  PLAY_SCENES=wire SCENE_NO_CAPTURE=0 run "$ROOT/tests/play" check tcp-echo udp-echo
  assert_success
  refute_output --partial SKIPPED
}

@test "make demo plays every lab's session" {
  # Every scene is played by the transcript check above; here the first
  # scene of each lab, in demo mode: narrated, with the real port.
  PLAY_SCENES='^10-' run "$ROOT/tests/play" demo
  assert_success
  assert_output --regexp $'\n  # [A-Z]'
  refute_output --partial 'port 5090 (pid' # tcp-echo's default: the real one is shown
  for lab in $(labs); do
    handout=$(cd "$ROOT" && ls handouts/[0-9][0-9]-"$lab".md)
    assert_output --partial "($handout)"
    assert_output --regexp "=== Lab [0-9]+: $lab"
  done
}

@test "every link between the handouts and to the code points at a file" {
  for handout in "$ROOT"/handouts/*.md "$ROOT/README.md"; do
    dir=$(dirname "$handout")
    while read -r target; do
      target=${target%%#*}
      [[ -z $target || $target == http* ]] && continue
      [[ -e $dir/$target ]] || fail "$(basename "$handout") links to $target, which does not exist"
    done < <(grep -oE '\]\([^)]+\)' "$handout" | sed 's/^](//; s/)$//')
  done
}

# exercises HANDOUT : "N<TAB>text" for each exercise, its lines joined.
exercises() {
  sed -n '/^## Exercises$/,/^## /p' "$1" | awk '
    /^[0-9]+\. / { if (n) print n "\t" text; n = $1 + 0; text = $0; next }
    /^## / { next }
    n { text = text " " $0 }
    END { if (n) print n "\t" text }'
}

@test "every exercise names the lesson that checks its outcome" {
  for handout in "$ROOT"/handouts/[0-9][0-9]-*.md; do
    lab=$(basename "$handout" .md)
    lab=${lab#[0-9][0-9]-}
    while IFS=$'\t' read -r number text; do
      [[ -n $number ]] || continue
      lessons=$(grep -oE '<!-- lesson: [a-z0-9-]+ -->' <<<"$text" | sed 's/<!-- lesson: //; s/ -->//')
      [[ -n $lessons ]] || fail "$(basename "$handout") exercise $number names no '<!-- lesson: NAME -->'"
      for name in $lessons; do
        file=$ROOT/tests/lessons/$lab/$name.patch # a patch's Check: file may share its name
        [[ -f $file ]] || file=$ROOT/tests/lessons/$lab/$name.bats
        [[ -f $file ]] || fail "$(basename "$handout") exercise $number: no tests/lessons/$lab/$name.patch or .bats"
        grep -qE "^(# )?Lesson: (exercise|solution) $number\$" "$file" ||
          fail "$file does not say 'Lesson: exercise $number' (or solution $number)"
      done
    done <<<"$(exercises "$handout")"
  done
}

# self_check HANDOUT : the text of its last section, which must be the self-check.
@test "every handout ends with a self-check: 5 to 8 questions, their answers in a collapsed section" {
  for handout in "$ROOT"/handouts/[0-9][0-9]-*.md; do
    name=$(basename "$handout")
    last=$(grep -E '^## ' "$handout" | tail -n 1)
    [[ $last == "## Self-check" ]] || fail "$name: its last section is '$last', not '## Self-check'"
    section=$(sed -n '/^## Self-check$/,$p' "$handout")
    questions=$(sed -n '1,/^<details>$/p' <<<"$section" | grep -cE '^[0-9]+\. ')
    answers=$(sed -n '/^<details>$/,/^<\/details>$/p' <<<"$section" | grep -cE '^[0-9]+\. ')
    ((questions >= 5 && questions <= 8)) || fail "$name: $questions self-check questions"
    ((answers == questions)) || fail "$name: $questions questions but $answers answers"
    grep -qxF '<summary>Answers</summary>' <<<"$section" || fail "$name: no <summary>Answers</summary>"
    [[ $(grep -v '^$' <<<"$section" | tail -n 1) == '</details>' ]] ||
      fail "$name: the answers' <details> is not the end of the handout"
  done
}

@test "the index gives a 10-week reading path with the time of every handout" {
  path=$(sed -n '/^## A reading path for a 10-week course$/,/^## /p' "$ROOT/handouts/README.md")
  [[ -n $path ]] || fail "handouts/README.md has no '## A reading path for a 10-week course'"
  for handout in "$ROOT"/handouts/[0-9][0-9]-*.md; do
    name=$(basename "$handout")
    row=$(grep -F "]($name)" <<<"$path") || fail "the reading path does not list $name"
    grep -qE '\| (estimate|measured: [^|]+) \|$' <<<"$row" ||
      fail "the reading path's row for $name does not say whether its time is measured or an estimate"
  done
  weeks=$(grep -oE '^\| [0-9]+( and [0-9]+)? \|' <<<"$path" | grep -oE '[0-9]+' | sort -n | tr '\n' ' ')
  [[ $weeks == "1 2 3 4 5 6 7 8 9 10 " ]] || fail "the reading path covers weeks $weeks, not 1 to 10"
}

@test "every lab's default port lies in 1024-32767, client and server agree, and the handout shows it" {
  for lab in $(labs); do
    server=$(sed -n 's/^#define DEFAULT_PORT "\([0-9]*\)"$/\1/p' "$LABS/$lab/server.c")
    client=$(sed -n 's/^#define DEFAULT_PORT "\([0-9]*\)"$/\1/p' "$LABS/$lab/client.c")
    [[ -n $server ]] || fail "$lab/server.c has no DEFAULT_PORT"
    ((server >= 1024 && server < 32768)) ||
      fail "$lab's default port $server is privileged or in Linux's ephemeral range (32768-60999)"
    [[ -z $client || $client == "$server" ]] || fail "$lab: the client's default port $client, the server's $server"
    handout=$(ls "$ROOT"/handouts/[0-9][0-9]-"$lab".md)
    grep -qE "^\[server\] listening on [^ ]+ port $server \(pid" "$handout" ||
      fail "$(basename "$handout") shows no server listening on port $server"
    grep -E '^\[server\] listening on ' "$handout" | grep -vqE " port $server \(pid" &&
      fail "$(basename "$handout") shows a server listening on another port than $server"
  done
  true
}

@test "08 exercise 5's commands, typed as the handout gives them, count 20 woken workers" {
  [[ -r /proc/self/status ]] || skip "needs Linux's /proc/PID/status"
  handout=$ROOT/handouts/08-pool.md
  text=$(exercises "$handout" | awk -F'\t' '$1 == 5 { print $2 }')
  save=$(grep -oE '`for w in [^`]+> before`' <<<"$text" | tr -d '`')
  serve=$(grep -oE '`echo hi \| ./client localhost 20446`' <<<"$text" | tr -d '`')
  count=$(grep -oE '`diff before after [^`]+`' <<<"$text" | tr -d '`')
  [[ -n $save && -n $serve && -n $count ]] || fail "08 exercise 5 no longer has its three commands"
  grep -qF '*Check:* 20' <<<"$text" || fail "08 exercise 5 no longer says 20"
  start_server pool -q -n 20
  eventually prints 20 pgrep -c -P "$SERVER_PID"
  workers=$(pgrep -P "$SERVER_PID")
  asleep() { local w; for w in $workers; do [[ $(proc_state "$w") == S ]] || return 1; done; }
  cd "$BATS_TEST_TMPDIR"
  # The evals below run the handout's own commands, as text: what a student
  # types, with only the pid, the port and the client's path put in.
  for _ in 1 2 3; do
    eventually asleep
    eval "${save//\$(pgrep -P P)/\$(pgrep -P $SERVER_PID)}"
    assert_equal "$(wc -l <before)" 20 # one line per worker: the pattern matches one field only
    assert_equal "$(sort -u before | wc -l)" 20 # and a line of its own, or diff may pair two workers
    serve=${serve//20446/$SERVER_PORT}
    run eval "${serve//.\/client/$LABS/pool/client}"
    assert_output HI
    after=${save//\$(pgrep -P P)/\$(pgrep -P $SERVER_PID)}
    woken() { eval "${after%> before}> after"; [[ $(eval "$count") == 20 ]]; }
    eventually woken || { diff before after; false; }
  done
}

@test "08's main diagram sends a worker back to poll(), as worker_loop() does" {
  loop=$(sed -n '/^static void worker_loop(/,/^}/p' "$LABS/pool/server.c")
  [[ -n $loop ]] || fail "labs/pool/server.c has no worker_loop()"
  grep -qE '\bpoll\(' <<<"$loop" || fail "worker_loop() no longer calls poll(): redraw 08's diagram"
  diagram=$(sed -n '/^```mermaid$/,/^```$/p' "$ROOT/handouts/08-pool.md" | sed -n '1,/^```$/p')
  grep -qE 'W->>K: close, then poll again' <<<"$diagram" || fail "08's diagram does not send the worker back to poll()"
  grep -qE 'W->>K: poll\(listener, pipe\)' <<<"$diagram" || fail "08's diagram does not show the workers in poll()"
  if grep -E '^\s+W.*accept again' <<<"$diagram"; then fail "08's diagram sends the worker back to accept()"; fi
}

@test "04's SIGCHLD diagram ends the handler's loop as waitpid does when no child is left" {
  # reap_children() loops while waitpid() returns a pid: it stops at 0 (a
  # child still runs) or -1 (ECHILD: no child at all). The diagram has three
  # children and reaps all three, so its loops must end with ECHILD, never 0.
  grep -qE 'while \(\(pid = waitpid\(-1, &status, WNOHANG\)\) > 0\)' "$LABS/reaper/server.c" ||
    fail "reap_children() no longer loops on waitpid(-1, WNOHANG): check 04's diagram"
  diagram=$(awk '/^```mermaid$/ { n++ } n == 2' "$ROOT/handouts/04-reaper.md" | sed -n '1,/^```$/p')
  [[ $(grep -c 'participant K[0-9] as child' <<<"$diagram") == 3 ]] || fail "04's second diagram no longer has three children"
  grep -E 'loop ends|nothing left' <<<"$diagram" | grep -v ECHILD && fail "a loop in 04's diagram ends other than with ECHILD"
  [[ $(grep -cE 'waitpid = -1 \(ECHILD' <<<"$diagram") == 2 ]] || fail "04's diagram should end both handler runs with ECHILD"
}

@test "every call a handout's main diagram names is a call its lab makes" {
  calls='socket|bind|listen|accept|connect|fork|poll|select|sigsuspend|waitpid|pthread_create|shutdown|recvfrom|sendto|send|recv|kill|_exit|sigaction|getaddrinfo|malloc|free|write_all|read_exactly|pthread_cond_wait'
  for lab in $(labs); do
    handout=$(ls "$ROOT"/handouts/[0-9][0-9]-"$lab".md)
    # (a "no listen" in an arrow's text is a call the lab does not make, on purpose)
    diagram=$(sed -n '/^```mermaid$/,/^```$/p' "$handout" | sed -n '1,/^```$/p' | grep -- '->>' | sed -E 's/\bno [a-z_]+//g')
    for call in $(grep -oE "\\b($calls)\\b" <<<"$diagram" | sort -u); do
      grep -qE "\\b$call\\(" "$LABS/$lab/server.c" "$LABS/$lab/client.c" "$ROOT/common/labs.h" ||
        fail "$(basename "$handout")'s diagram names $call(), which labs/$lab never calls"
    done
  done
}

# profile_block : the lines after 09's <!-- profile: --> comment, to the end of its table.
profile_block() {
  awk '/^<!-- profile: / { on = 1; next } on && /^\|/ { table = 1 } on && table && !/^\|/ { exit } on' \
    "$ROOT/handouts/09-bench.md"
}

# profile_cell ROW COLUMN : a cell of 09's per-connection table (columns from 1).
profile_cell() {
  profile_block | sed -n '/^| design /,$p' |
    awk -F' \\| ' -v row="$1" -v col="$2" '{ sub(/^\| /, ""); sub(/ \|$/, "") } $1 == row { print $col }'
}

@test "09 quotes its per-connection counts from tests/bench/profile's output, figure by figure" {
  handout=$ROOT/handouts/09-bench.md
  prose=$(tr -s '\n ' '  ' <"$handout") # the prose as one line: quotes may wrap anywhere
  block=$(profile_block)
  [[ -n $block ]] || fail "09 has no <!-- profile: --> block"
  # The block's two header lines are the ones the script prints.
  intro=$(grep -F 'echo "Per connection, counted by the kernel' "$ROOT/tests/bench/profile" |
    sed 's/^echo "//; s/"$//; s/\$CLIENTS/2/; s/\$CONNS/500/')
  assert_equal "$(sed -n 1p <<<"$block")" "$intro"
  header=$(grep -F 'echo "| design |' "$ROOT/tests/bench/profile" | sed 's/^echo "//; s/"$//')
  assert_equal "$(sed -n 3p <<<"$block")" "$header"
  # Every figure the prose quotes is the table's. Columns: design, connections,
  # context switches, page faults, futex calls, select calls.
  assert_equal "$(profile_cell 'fork per connection' 4)" 30.4
  grep -qF '30.4 page faults per connection' <<<"$prose"
  assert_equal "$(profile_cell 'prethreaded pool' 3)" 4.6
  assert_equal "$(profile_cell 'prethreaded pool' 5)" 5.5
  grep -qF '4.6 context switches and 5.5 `futex` calls per' <<<"$prose"
  assert_equal "$(profile_cell iterative 3)" 1.2
  assert_equal "$(profile_cell iterative 5)" 0.0
  assert_equal "$(profile_cell 'prefork pool' 3)" 1.1
  grep -qF 'against 1.2 switches and no `futex` call for the iterative server and 1.1 switches for the prefork pool' <<<"$prose"
  assert_equal "$(profile_cell 'select, 1000 idle' 6)" 1.1
  assert_equal "$(profile_cell select 6)" 1.2
  grep -qF '(1.1 with them and 1.2 without' <<<"$prose"
}

@test "tests/bench/profile counts what 09 says each design does per connection" {
  perf stat -e context-switches -o /dev/null -- true 2>/dev/null || skip "needs perf stat, as root or with perf_event_paranoid <= 1"
  command -v strace >/dev/null || skip "needs strace"
  BENCH_PROFILE_CONNS=20 BENCH_DESIGNS="iterative fork prethread" run timeout 300 "$ROOT/tests/bench/profile"
  assert_success
  echo "$output" # shown when the test fails: the table and what the profile said
  cell() { awk -F' \\| ' -v row="$1" -v col="$2" '{ sub(/^\| /, ""); sub(/ \|$/, "") } $1 == row { print $col }' <<<"$output"; }
  assert_equal "$(cell iterative 2)" 40
  # fork per connection: page faults on every connection (copy-on-write), the others none
  awk -v f="$(cell 'fork per connection' 4)" -v i="$(cell iterative 4)" 'BEGIN { exit !(f >= 10 && i < 1) }' ||
    fail "page faults per connection: fork $(cell 'fork per connection' 4), iterative $(cell iterative 4)"
  # the iterative server serves in the thread that accepted: no futex call
  # at all. (How many the pool's ring of slots costs depends on how often a
  # worker finds it empty and sleeps: with two clients, rarely.)
  awk -v i="$(cell iterative 5)" 'BEGIN { exit !(i == 0) }' ||
    fail "futex calls per connection: iterative $(cell iterative 5)"
  # (No live check of context switches: since the ring of slots the pool's
  # are close to the iterative server's, and a busy machine adds switches
  # to every design: 2.6 for the iterative server at load 9.)
}

@test "no line of a Mermaid diagram has a semicolon (Mermaid ends a statement there)" {
  # A ';' in an arrow's text cuts the line in two, and the diagram is not
  # drawn at all (tests/html.bats sees it, where Chromium is installed).
  for handout in "$ROOT"/handouts/*.md; do
    found=$(awk '/^```mermaid$/ { on = 1; next } /^```$/ { on = 0 } on && /;/ { print FILENAME ":" FNR ": " $0 }' "$handout")
    [[ -z $found ]] || fail "$found"
  done
}

@test "09 quotes tests/bench/anchors' comparison as the script prints it" {
  block=$(awk '/^<!-- anchors: / { on = 1; next } on && /^$/ { blank++ } on && blank == 2 { exit } on' \
    "$ROOT/handouts/09-bench.md")
  [[ -n $block ]] || fail "09 has no <!-- anchors: --> block"
  header=$(grep -F 'print "| design | anchor |' "$ROOT/tests/bench/anchors" | sed 's/^ *print "//; s/"$//')
  assert_equal "$(sed -n 1p <<<"$block")" "$header"
  # One row for each pair, in the script's format: rates, then ratio (median, middle half).
  cell='[0-9]+ vs [0-9]+ \| [0-9.]+× \([0-9.]+–[0-9.]+\) \| [0-9.]+ µs vs [0-9.]+ µs \| [0-9.]+× \([0-9.]+–[0-9.]+\)'
  grep -qE "^\\| select \\| UNP tcpservselect01 \\| $cell \\| $cell \\|\$" <<<"$block" || fail "no select row in the script's format"
  grep -qE "^\\| prethreaded pool, 4 threads \\| CS:APP echoservert_pre \\| $cell \\| $cell \\|\$" <<<"$block" ||
    fail "no prethreaded pool row in the script's format"
  runs=$(sed -n 's/.*REPEAT=\${ANCHOR_REPEAT:-\([0-9]*\)}.*/\1/p' "$ROOT/tests/bench/anchors")
  assert_equal "$(tail -n 1 <<<"$block")" \
    "Medians of $runs runs of each; a ratio is ours / theirs in each pair of runs (median, and the middle half in brackets)."
  # The prose says where the runs come from: 15 of each, the loads the script uses.
  prose=$(tr -s '\n ' '  ' <"$ROOT/handouts/09-bench.md")
  grep -qF "against ours $runs times" <<<"$prose"
  grep -qF 'ANCHOR_CONNS:-1500' "$ROOT/tests/bench/anchors"
  grep -qF 'each making 1,500 connections of one 64-byte request, then 5,000 round trips' <<<"$prose"
}
