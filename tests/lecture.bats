#!/usr/bin/env bats
# make lecture (tests/lecture/): each lab's scenes played live in tmux panes.
# Every lecture here runs without a terminal, on a tmux socket of its own
# (tmux -L), so that no test touches anyone's tmux.
#
# setup_file plays a lecture of every lab at once, in timer mode (and
# tcp-echo twice: two instructors on one machine must not collide); the
# driver captures every pane before each step (LECTURE_SNAPSHOTS), and each
# lab's test looks for what each pane must have shown. The key-mode tests
# press keys themselves and capture the panes between them. After every
# lecture nothing may be left: no tmux server on its socket, no process in
# the session of any pane it opened.
#
# Without tmux the tests are skipped (and say so); .ci/run installs tmux.

load helpers
eval "helpers_$(declare -f teardown)" # (lecture's teardown calls it)

# name, lab, scenes; tcp-echo-again plays in a window of 120x40, too
# narrow for two columns of 80.
LECTURES=(
  "tcp-echo tcp-echo 20"
  "tcp-echo-again tcp-echo 20"
  "udp-echo udp-echo 15"
  "fork-zombie fork-zombie 20"
  "reaper reaper 10"
  "threads threads 30"
  "select select 20 30"
  "p2p-chat p2p-chat 20 30"
  "pool pool 10"
)

setup_file() {
  command -v tmux >/dev/null || return 0
  local entry name lab scenes pids=() names=() i size status
  for entry in "${LECTURES[@]}"; do
    read -r name lab scenes <<<"$entry"
    size=200x50
    [[ $name == tcp-echo-again ]] && size=120x40
    LECTURE_SOCKET=lecture-test-$$-$name LECTURE_STATE=$BATS_FILE_TMPDIR/$name LECTURE_SIZE=$size \
      LECTURE_SNAPSHOTS=1 LECTURE_DETACHED=1 LECTURE_STEP_SECONDS=0.01 LECTURE_SCENES=$scenes \
      timeout -k 5 150 "$ROOT/tests/lecture/run" "$lab" >"$BATS_FILE_TMPDIR/$name.out" 2>&1 3>&- &
    pids+=($!) names+=("$name")
  done
  for i in "${!pids[@]}"; do
    # (one lecture that fails fails its own test: played says why)
    status=0
    wait "${pids[i]}" || status=$?
    echo "$status" >"$BATS_FILE_TMPDIR/${names[i]}.status"
  done
  export SETUP_FILE_PID=$$
}

teardown_file() {
  local entry name sid
  for entry in "${LECTURES[@]}"; do
    read -r name _ <<<"$entry"
    tmux -L "lecture-test-${SETUP_FILE_PID:-$$}-$name" kill-server 2>/dev/null
    for sid in $(cat "$BATS_FILE_TMPDIR/$name/sessions" 2>/dev/null); do
      pkill -KILL -s "$sid" 2>/dev/null
    done
  done
  return 0
}

setup() {
  [[ $BATS_TEST_DESCRIPTION == "make lecture without LAB"* ]] && return 0
  command -v tmux >/dev/null || skip "tmux is not installed (make lecture needs it; .ci/run installs it)"
  SOCKET=lecture-test-$$-$BATS_TEST_NUMBER
  STATE=$BATS_TEST_TMPDIR/state
  BASE_SOCKET=$SOCKET BASE_STATE=$STATE # (a test may play several: SOCKET-x)
  LECTURE_PID=
}

teardown() {
  [[ -n ${BASE_SOCKET:-} ]] || return 0
  if [[ -z ${BATS_TEST_COMPLETED:-} && -s $BATS_TEST_TMPDIR/run.out ]]; then
    echo "what tests/lecture/run printed:" >&2
    sed 's/^/  /' "$BATS_TEST_TMPDIR/run.out" >&2
  fi
  [[ -n $LECTURE_PID ]] && kill -TERM "$LECTURE_PID" 2>/dev/null
  local sid file
  for file in "$(socket_file "$BASE_SOCKET")"*; do
    [[ -e $file ]] || continue
    tmux -S "$file" kill-server 2>/dev/null
    rm -f "$file"
  done
  for sid in $(cat "$BASE_STATE"*/sessions 2>/dev/null); do
    pkill -KILL -s "$sid" 2>/dev/null
  done
  helpers_teardown
}

# socket_file NAME : where tmux -L NAME keeps its socket.
socket_file() { echo "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$1"; }

# played NAME : the lecture NAME of setup_file played every scene and
# ended with status 0; SOCKET and STATE are its own.
played() {
  SOCKET=lecture-test-$SETUP_FILE_PID-$1
  STATE=$BATS_FILE_TMPDIR/$1
  local status
  status=$(cat "$BATS_FILE_TMPDIR/$1.status")
  if [[ $status != 0 || $(cat "$STATE/result") != finished ]]; then
    echo "lecture $1 ended with status $status:" >&2
    cat "$BATS_FILE_TMPDIR/$1.out" >&2
    return 1
  fi
}

# lecture LAB SCENES [STEP_SECONDS] : start tests/lecture/run in the
# background (key mode if STEP_SECONDS is "keys").
lecture() {
  local steps=${3:-0.01}
  [[ $steps == keys ]] && steps=''
  LECTURE_SOCKET=$SOCKET LECTURE_STATE=$STATE LECTURE_SNAPSHOTS=1 LECTURE_DETACHED=1 \
    LECTURE_STEP_SECONDS=$steps LECTURE_SCENES=$2 \
    "$ROOT/tests/lecture/run" "$1" >"$BATS_TEST_TMPDIR/run.out" 2>&1 3>&- &
  LECTURE_PID=$!
}

# not_running PID : PID has ended: gone, or a zombie its parent (this test's
# shell) has not reaped yet. Otherwise it says, on stderr, what PID and its
# children are doing (their state and where in the kernel they wait), for
# the message of a wait that gives up.
not_running() {
  ! kill -0 "$1" 2>/dev/null && return 0
  [[ $(proc_state "$1") == Z ]] && return 0
  ps -o pid=,stat=,wchan:20=,args= -p "$1" --ppid "$1" >"$BATS_TEST_TMPDIR/still-running" 2>&1
  return 1
}

# ended LECTURE_PID : wait up to 60 s (ending every pane may take a while
# when busy) until the lecture's tests/lecture/run has ended; if it does not,
# fail showing what it and its children were doing, whether the driver wrote
# its result, and every process of the tmux server's tree (the driver ends
# the panes, then the server, and only then can run end).
ended() {
  DEADLINE=60 eventually not_running "$1" && return 0
  local server
  server=$(tmux -L "$SOCKET" display -p '#{pid}' 2>/dev/null)
  fail "tests/lecture/run still runs; it and its children: $(cat "$BATS_TEST_TMPDIR/still-running" 2>/dev/null)
the driver's result: $(cat "$STATE/result" 2>/dev/null || echo none yet)
the tmux server: ${server:-not reachable}
every process, with its parent, session and state:
$(ps -e -o pid=,ppid=,sid=,stat=,wchan:20=,args= | grep -v -e ' ps -e ' -e ' \[' | head -n 80)"
}

# has_session : a tmux server runs on the lecture's socket.
has_session() { tmux -L "$SOCKET" has-session 2>/dev/null; }

# nothing_left : no tmux server on the socket, no process (zombies
# included) in the session of any pane the lecture opened.
nothing_left() {
  local sid left
  run tmux -L "$SOCKET" list-sessions
  assert_failure
  [[ ! -e $(socket_file "$SOCKET") ]] || fail "tmux's socket file $(socket_file "$SOCKET") is left behind"
  [[ -s $STATE/sessions ]]
  for sid in $(cat "$STATE/sessions"); do
    left=$(pgrep -s "$sid") && {
      echo "left behind in pane session $sid:" >&2
      ps -o pid,ppid,stat,args -p "${left//$'\n'/,}" >&2
      return 1
    }
  done
  return 0
}

# pane_text FILE PANE : what pane PANE shows in snapshot FILE.
pane_text() {
  awk -v pane="=== $2 ===" '$0 == pane { on = 1; next } /^=== [^ ]+ ===$/ { on = 0 } on' "$1"
}

# shown PANE REGEX : some snapshot shows a line matching REGEX in PANE;
# SHOWN is the first such snapshot.
shown() {
  local file
  for file in "$STATE"/snapshots/*; do
    if pane_text "$file" "$1" | grep -qE -- "$2"; then
      SHOWN=$file
      return 0
    fi
  done
  echo "no snapshot shows /$2/ in pane $1" >&2
  return 1
}

# server_port / server_pid : from the server pane's first line.
server_line() { shown server '^listening on .* port [0-9]+ \(pid [0-9]+\)$' && pane_text "$SHOWN" server | grep -m 1 -E '^listening on '; }
server_port() { server_line | sed -n 's/.* port \([0-9]*\) (pid.*/\1/p'; }
server_pid() { server_line | sed -n 's/.* (pid \([0-9]*\))$/\1/p'; }

# live PANE : what PANE shows now (key mode). Quiet while the lecture's
# tmux server is not up yet: the first looks come before it.
live() { tmux -L "$SOCKET" capture-pane -p -J -t "$(pane_of "$1")" 2>/dev/null; }
pane_of() { tmux -L "$SOCKET" list-panes -a -F '#{pane_id} #{@name}' 2>/dev/null | awk -v n="$1" '$2 == n { print $1 }'; }
live_shows() { live "$1" | grep -qE -- "$2"; }
press() { tmux -L "$SOCKET" send-keys -t "$(pane_of narration)" "$1"; }

# at_prompt : the narration pane waits for a key.
at_prompt() { live narration | grep -v '^$' | tail -n 1 | grep -q 'Enter: next, q: quit]$'; }

# layout FILE : "NAME WIDTH HEIGHT LEFT TOP WINDOW" for each pane of snapshot FILE.
layout() { pane_text "$1" layout; }

# scene_snapshots NN : the snapshots of scene NN, in order.
scene_snapshots() { ls "$STATE"/snapshots/"$1"-* 2>/dev/null; }

@test "make lecture without LAB, or with a wrong one, lists the labs" {
  run make -s -C "$ROOT" lecture
  assert_failure 2
  assert_output --partial "make lecture needs a lab: make lecture LAB=name, one of:"
  assert_output --partial "tcp-echo"
  assert_output --partial "pool"
  run make -s -C "$ROOT" lecture LAB=no-such-lab
  assert_failure 2
  assert_output --partial "there is no lab called 'no-such-lab'"
}

@test "tcp-echo: server, two clients, the accept queue in the view and in ss" {
  played tcp-echo
  port=$(server_port)
  [[ -n $port ]]
  shown A '^first$'
  shown B '^second$'
  shown view "LISTEN .* 127\.0\.0\.1:$port "
  shown view "ESTAB .* 127\.0\.0\.1:$port +127\.0\.0\.1:"
  shown shell "^ESTAB 7 127\.0\.0\.1:$port "
  shown narration 'B waits in the listening'
  nothing_left
}

@test "udp-echo: a frozen server, a late reply; the view shows the UDP socket" {
  played udp-echo
  port=$(server_port)
  shown A 'no reply within 300 ms$'
  shown A '^second$'
  shown server ': 5 bytes$'
  shown view "UNCONN .* 127\.0\.0\.1:$port "
  nothing_left
}

@test "fork-zombie: the view shows the zombies of client -n 3; none is left after" {
  played fork-zombie
  pid=$(server_pid)
  for file in "$STATE"/snapshots/*; do
    (($(pane_text "$file" view | grep -cE "^ *[0-9]+ +$pid +[0-9]+ Z.* <defunct>") == 3)) && found=1
  done
  [[ -n ${found:-} ]]
  shown shell '^ +3 Z'
  nothing_left
}

@test "reaper: the server's child is in the view, then reaped" {
  played reaper
  pid=$(server_pid)
  shown view "^ *[0-9]+ +$pid +[0-9]+ S"
  shown server 'reaped child pid [0-9]+, exit status 0$'
  nothing_left
}

@test "threads: the view lists the server's threads; Ctrl-C leaves CLOSE-WAIT" {
  played threads
  pid=$(server_pid)
  port=$(server_port)
  shown A '^hello$'
  shown B '^hello$'
  # three tasks of the server in one snapshot: the main thread and two
  for file in "$STATE"/snapshots/*; do
    (($(pane_text "$file" view | grep -cE "^ *$pid +[0-9]+ +[0-9]+ ") == 3)) && found=1
  done
  [[ -n ${found:-} ]]
  shown view "CLOSE-WAIT .* 127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:$port"
  nothing_left
}

@test "select: Enter in the server's pane stops it; a flood in a pane of its own, Ctrl-C" {
  played select
  shown F 'head -c 100M /dev/zero > /dev/tcp/127\.0\.0\.1/[0-9]+$'
  shown A '^still served$'
  shown narration 'F gives up'
  nothing_left
}

@test "p2p-chat: the server's side types and quits; a peer killed with kill -9 from the shell pane" {
  played p2p-chat
  shown A '^peer: sorry A, I must go$'
  shown server '^peer: hello\?$'
  shown shell '^\[shell\]\$ kill -9 [0-9]+$'
  nothing_left
}

@test "pool: the view shows the three workers, children of the server" {
  played pool
  pid=$(server_pid)
  for file in "$STATE"/snapshots/*; do
    (($(pane_text "$file" view | grep -cE "^ *[0-9]+ +$pid +[0-9]+ S") == 3)) && found=1
  done
  [[ -n ${found:-} ]]
  nothing_left
}

@test "key mode: nothing happens until a key; q ends the lecture and leaves nothing" {
  lecture tcp-echo 10 keys
  eventually at_prompt
  not_within 300 live_shows server 'listening on'
  press Enter
  eventually live_shows server '^listening on 127\.0\.0\.1 port [0-9]+ \(pid [0-9]+\)$'
  eventually live_shows view 'LISTEN'
  press q
  ended "$LECTURE_PID"
  wait "$LECTURE_PID"
  LECTURE_PID=
  assert_equal "$(cat "$STATE/result")" quit
  nothing_left
}

@test "Ctrl-C in the narration pane, with zombies about, leaves nothing behind" {
  lecture fork-zombie 20 keys
  # Two steps: the server starts, then client -n 3 leaves three zombies,
  # which stay until the server stops.
  eventually at_prompt
  press Enter
  eventually live_shows server '^listening on '
  eventually at_prompt
  press Enter
  eventually live_shows view '<defunct>'
  press C-c
  ended "$LECTURE_PID"
  run wait "$LECTURE_PID"
  LECTURE_PID=
  assert_equal "$(cat "$STATE/result")" interrupted
  nothing_left
}

@test "Ctrl-C while a step's tmux command runs still ends the lecture" {
  # tmux catches SIGINT and finishes its command. A Ctrl-C that comes while
  # the narration runs one must still end the lecture, not be taken as
  # handled by tmux (bash's rule for a child that catches SIGINT). The
  # lecture's tmux here is tmux behind a script that holds the first
  # capture-pane (a snapshot) after it is armed, until the Ctrl-C reaches
  # it, and then goes on as tmux does.
  bin=$BATS_TEST_TMPDIR/bin
  mkdir -p "$bin"
  cat >"$bin/tmux" <<EOF
#!/usr/bin/env bash
if [[ " \$* " == *" capture-pane "* ]] && rm "$BATS_TEST_TMPDIR/armed" 2>/dev/null; then
  trap 'touch "$BATS_TEST_TMPDIR/got-sigint"' INT
  touch "$BATS_TEST_TMPDIR/holding"
  source $(printf %q "$TESTS_DIR/wait.bash")
  WAIT_FIFO_DIR=$(printf %q "$bin")
  wait_until $((DEADLINE * 1000)) test -e "$BATS_TEST_TMPDIR/got-sigint"
fi
exec $(printf %q "$(command -v tmux)") "\$@"
EOF
  chmod +x "$bin/tmux"
  PATH=$bin:$PATH lecture fork-zombie 20 keys
  eventually at_prompt
  touch "$BATS_TEST_TMPDIR/armed"
  press Enter # the server starts; the next step's prompt takes a snapshot
  eventually test -e "$BATS_TEST_TMPDIR/holding"
  press C-c
  eventually test -e "$BATS_TEST_TMPDIR/got-sigint"
  ended "$LECTURE_PID"
  run wait "$LECTURE_PID"
  LECTURE_PID=
  assert_equal "$(cat "$STATE/result")" interrupted
  nothing_left
}

@test "two lectures of one lab at once: each has a port of its own" {
  played tcp-echo
  port=$(server_port)
  nothing_left
  played tcp-echo-again
  [[ -n $port && $(server_port) != "$port" ]]
  shown A '^first$'
  nothing_left
}

@test "every scene holds on its last step until the next key; a normal lecture leaves no tmux socket file" {
  for entry in "${LECTURES[@]}"; do
    read -r name _ scenes <<<"$entry"
    played "$name"
    count=$(wc -w <<<"$scenes")
    for ((n = 1; n <= count; n++)); do
      printf -v nn %02d "$n"
      # The hold comes after the last step: it shows what that step did.
      last=$(scene_snapshots "$nn" | tail -n 1)
      [[ $last == */$nn-999 ]] || fail "$name: scene $n has no snapshot after its last step"
      [[ $(pane_text "$last" narration | grep -c '^  > ') -ge 1 ]]
    done
    nothing_left
  done
  # The last steps of these scenes: Ctrl-C to the server; A told at once
  # that the server is gone.
  played tcp-echo
  pane_text "$STATE/snapshots/01-999" server | grep -qE '^\^C\[server\]\$ *$'
  played select
  pane_text "$STATE/snapshots/01-999" A | grep -qE '^\[A\]\$ *$'
}

@test "make lecture killed by SIGTERM, SIGINT or SIGHUP to make alone, or its terminal closed, leaves nothing" {
  # Four lectures at once, in key mode (none ends by itself), each ended one
  # way once its server runs: then no server, client, zombie, tmux server
  # or socket file may be left. A background job ignores SIGINT: env gives
  # make back the default. script gives a lecture a terminal of its own;
  # killed, it closes it (only make, the session leader, gets a SIGHUP).
  command -v script >/dev/null || skip "script (util-linux) is not installed"
  local how i pids=() base=$SOCKET ways=(TERM INT HUP terminal)
  for how in "${ways[@]}"; do
    if [[ $how == terminal ]]; then
      LECTURE_SOCKET=$base-$how LECTURE_STATE=$STATE-$how setsid script -qfec \
        "stty rows 50 cols 200; make -s -C '$ROOT' lecture LAB=fork-zombie SCENES=20" /dev/null \
        >"$BATS_TEST_TMPDIR/$how.out" 2>&1 3>&- &
    else
      LECTURE_SOCKET=$base-$how LECTURE_STATE=$STATE-$how LECTURE_DETACHED=1 \
        env --default-signal=INT setsid make -s -C "$ROOT" lecture LAB=fork-zombie SCENES=20 \
        >"$BATS_TEST_TMPDIR/$how.out" 2>&1 3>&- &
    fi
    pids+=($!)
  done
  for how in "${ways[@]}"; do
    SOCKET=$base-$how
    DEADLINE=30 eventually at_prompt
    press Enter
    DEADLINE=30 eventually live_shows server '^listening on '
  done
  tmux -L "$base-terminal" list-clients | grep -q . # attached to script's terminal
  kill -TERM "${pids[0]}"
  kill -INT "${pids[1]}"
  kill -HUP "${pids[2]}"
  kill -KILL "${pids[3]}"
  for i in "${!ways[@]}"; do
    how=${ways[i]}
    SOCKET=$base-$how STATE=$STATE-$how
    DEADLINE=60 eventually not has_session ||
      fail "the lecture goes on after $how"
    DEADLINE=30 eventually not_running "${pids[i]}"
    eventually not test -e "$(socket_file "$SOCKET")"
    nothing_left || fail "left behind after $how (see above)"
  done
}

@test "Ctrl-C in the narration pane ends make lecture with status 0, no make error" {
  LECTURE_SOCKET=$SOCKET LECTURE_STATE=$STATE LECTURE_DETACHED=1 \
    make -s -C "$ROOT" lecture LAB=tcp-echo SCENES=10 >"$BATS_TEST_TMPDIR/run.out" 2>&1 3>&- &
  LECTURE_PID=$!
  eventually at_prompt
  press C-c
  DEADLINE=30 eventually not_running "$LECTURE_PID"
  run wait "$LECTURE_PID"
  LECTURE_PID=
  assert_success
  run cat "$BATS_TEST_TMPDIR/run.out"
  assert_output --partial 'lecture tcp-echo: interrupted'
  refute_output --partial 'Error'
  nothing_left
}

@test "a scene that needs a missing tool (40-wire without tcpdump) is skipped with a line that says so" {
  # A PATH with every command but tcpdump.
  mkdir "$BATS_TEST_TMPDIR/bin"
  IFS=: read -r -a dirs <<<"$PATH"
  for dir in "${dirs[@]}"; do
    [[ -d $dir ]] && { ln -s "$dir"/* "$BATS_TEST_TMPDIR/bin/" 2>/dev/null || :; }
  done
  rm -f "$BATS_TEST_TMPDIR/bin/tcpdump"
  PATH=$BATS_TEST_TMPDIR/bin lecture tcp-echo "10 40"
  DEADLINE=60 eventually not_running "$LECTURE_PID"
  run wait "$LECTURE_PID"
  LECTURE_PID=
  assert_success
  assert_equal "$(cat "$STATE/result")" finished
  run cat "$BATS_TEST_TMPDIR/run.out"
  assert_output --partial 'skipped: 40-wire: tcpdump is not installed'
  pane_text "$STATE/snapshots/02-999" narration | grep -q 'This scene is skipped: tcpdump is not installed'
  pane_text "$STATE/snapshots/end" narration | grep -q '40-wire: tcpdump is not installed'
  nothing_left
}

@test "at 200x50 no pane is narrower than 80 columns and no pane moves during a scene; narration wraps at words" {
  for entry in "${LECTURES[@]}"; do
    read -r name _ <<<"$entry"
    played "$name"
    for file in "$STATE"/snapshots/[0-9]*; do
      while read -r pane width _; do
        ((width >= 80)) || fail "$name: pane $pane is $width columns wide in $(basename "$file")"
      done <<<"$(layout "$file")"
      # Lines the terminal wrapped come back joined (capture-pane -J):
      # none may be wider than the pane.
      width=$(layout "$file" | awk '$1 == "narration" { print $2 }')
      long=$(pane_text "$file" narration | awk -v w="$width" 'length($0) > w')
      [[ -z $long ]] || fail "$name: narration wider than its $width columns: $long"
    done
    for scene in $(ls "$STATE/snapshots" | sed -n 's/^\([0-9][0-9]\)-.*/\1/p' | sort -u); do
      first=$(scene_snapshots "$scene" | head -n 1)
      for file in $(scene_snapshots "$scene"); do
        [[ $(layout "$file") == "$(layout "$first")" ]] ||
          fail "$name: panes moved between $(basename "$first") and $(basename "$file")"
      done
    done
  done
  # 120 columns: one column of panes, the view and the clients in a
  # second window.
  played tcp-echo-again
  layout "$STATE/snapshots/01-005" | awk '$1 == "view" && $6 != 0 { found = 1 } END { exit !found }'
  layout "$STATE/snapshots/01-005" | awk '$1 == "B" && $6 != 0 { found = 1 } END { exit !found }'
}

@test "the live view never cuts an address, and says how many sockets it leaves out" {
  has_ipv6 || skip "no IPv6 loopback"
  # An IPv6 server reached over IPv4: long addresses ([::ffff:127.0.0.1]:N).
  start_server tcp-echo -q -b ::
  start_peer C hold 127.0.0.1 "$SERVER_PORT" 30
  eventually file_has "$BATS_TEST_TMPDIR/C.out" '^holding'
  echo "$SERVER_PORT $SERVER_PID" >"$BATS_TEST_TMPDIR/target"
  mkfifo "$BATS_TEST_TMPDIR/target.wake"
  tmux -L "$SOCKET" -f /dev/null new-session -d -x 80 -y 24 \
    "bash '$ROOT/tests/lecture/view' '$BATS_TEST_TMPDIR/target'"
  view() { tmux -L "$SOCKET" capture-pane -p -J -t 0; }
  view_says_more() { view | grep -q "more socket"; }
  eventually view_says_more
  view >"$BATS_TEST_TMPDIR/view"
  # 1 listening + 30 at the server + 30 at the peer = 61 sockets.
  shown=$(grep -cE '^tcp ' "$BATS_TEST_TMPDIR/view")
  left=$(sed -n 's/^\.\.\. and \([0-9]*\) more socket.*/\1/p' "$BATS_TEST_TMPDIR/view")
  assert_equal $((shown + left)) 61
  # Each socket's addresses whole: the local one on its line, the peer's
  # on the next when both do not fit in 80 columns.
  grep -E '^tcp +ESTAB' "$BATS_TEST_TMPDIR/view" | grep -vqE '(\[::ffff:127\.0\.0\.1\]|127\.0\.0\.1):[0-9]+$' &&
    fail "an address is cut: $(cat "$BATS_TEST_TMPDIR/view")"
  grep -E '^ +peer ' "$BATS_TEST_TMPDIR/view" | grep -vqE 'peer (\[::ffff:127\.0\.0\.1\]|127\.0\.0\.1|\[::\]|\*):[0-9*]+$' &&
    fail "a peer address is cut: $(cat "$BATS_TEST_TMPDIR/view")"
  awk 'length($0) > 80 { exit 1 }' "$BATS_TEST_TMPDIR/view"
  end_input C
}

@test "no narration is worded for the transcripts only (pids shown as 4000, the handout)" {
  run grep -nE '^ *say .*(stands for|handout|transcript|\b400[0-9]\b|\b5000[1-9]\b)' "$ROOT"/tests/scenes/*/*.sh
  assert_failure
  played pool
  shown narration "# They are the server's children:$"
}

@test "the instructor stops the server by hand: the scene says what it waits for, offers to skip; keys do not queue" {
  LECTURE_DEADLINE_MS=60000 lecture tcp-echo "10 30" keys
  eventually at_prompt
  # Three Enters at once: one step (the server starts), not three.
  press Enter
  press Enter
  press Enter
  eventually live_shows server '^listening on '
  eventually test -e "$STATE/snapshots/01-002"
  not_within 1500 test -e "$STATE/snapshots/01-003"
  live_shows narration 'step|> server' && ! live_shows narration '> \$ printf'
  # Ctrl-C in the server's pane; the next step waits for the server's log.
  tmux -L "$SOCKET" send-keys -t "$(pane_of server)" C-c
  eventually live_shows server '^(\^C)?\[server\]\$ *$'
  eventually at_prompt
  press Enter
  DEADLINE=5 eventually live_shows narration "Still waiting for the server to print a line like 'closed'"
  live_shows narration 'The server \(pid [0-9]+\) is no longer running'
  live_shows narration 's: skip this scene, q: quit'
  press s
  eventually live_shows narration 'scene 2 of 2: 30-socket-states'
  grep -q "^10-echo: skipped by the instructor while waiting for the server to print a line like 'closed'" "$STATE/skipped"
  press q
  DEADLINE=60 eventually not_running "$LECTURE_PID"
  run wait "$LECTURE_PID"
  LECTURE_PID=
  assert_success
  nothing_left
}
