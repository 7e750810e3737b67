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

# name, lab, scenes
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
  local entry name lab scenes pids=() names=() i
  for entry in "${LECTURES[@]}"; do
    read -r name lab scenes <<<"$entry"
    LECTURE_SOCKET=lecture-test-$$-$name LECTURE_STATE=$BATS_FILE_TMPDIR/$name \
      LECTURE_SNAPSHOTS=1 LECTURE_DETACHED=1 LECTURE_STEP_SECONDS=0.01 LECTURE_SCENES=$scenes \
      timeout -k 5 150 "$ROOT/tests/lecture/run" "$lab" >"$BATS_FILE_TMPDIR/$name.out" 2>&1 3>&- &
    pids+=($!) names+=("$name")
  done
  for i in "${!pids[@]}"; do
    wait "${pids[i]}"
    echo $? >"$BATS_FILE_TMPDIR/${names[i]}.status"
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
  LECTURE_PID=
}

teardown() {
  [[ -n ${SOCKET:-} ]] || return 0
  if [[ -z ${BATS_TEST_COMPLETED:-} && -s $BATS_TEST_TMPDIR/run.out ]]; then
    echo "what tests/lecture/run printed:" >&2
    sed 's/^/  /' "$BATS_TEST_TMPDIR/run.out" >&2
  fi
  [[ -n $LECTURE_PID ]] && kill -TERM "$LECTURE_PID" 2>/dev/null
  tmux -L "$SOCKET" kill-server 2>/dev/null
  local sid
  for sid in $(cat "$STATE/sessions" 2>/dev/null); do
    pkill -KILL -s "$sid" 2>/dev/null
  done
  return 0
}

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

not_running() { ! kill -0 "$1" 2>/dev/null; }

# nothing_left : no tmux server on the socket, no process (zombies
# included) in the session of any pane the lecture opened.
nothing_left() {
  local sid left
  run tmux -L "$SOCKET" list-sessions
  assert_failure
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

# live PANE : what PANE shows now (key mode).
live() { tmux -L "$SOCKET" capture-pane -p -J -t "$(pane_of "$1")"; }
pane_of() { tmux -L "$SOCKET" list-panes -a -F '#{pane_id} #{@name}' | awk -v n="$1" '$2 == n { print $1 }'; }
live_shows() { live "$1" | grep -qE -- "$2"; }
press() { tmux -L "$SOCKET" send-keys -t "$(pane_of narration)" "$1"; }

# at_prompt : the narration pane waits for a key.
at_prompt() { live narration | grep -v '^$' | tail -n 1 | grep -q 'Enter: next, q: quit]$'; }

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
  DEADLINE=60 eventually not_running "$LECTURE_PID" # ending every pane may take a while when busy
  wait "$LECTURE_PID"
  LECTURE_PID=
  assert_equal "$(cat "$STATE/result")" quit
  nothing_left
}

@test "Ctrl-C in the narration pane, with zombies about, leaves nothing behind" {
  lecture fork-zombie 20 1 # a step a second: the zombies stay for two steps
  eventually live_shows view '<defunct>'
  press C-c
  DEADLINE=60 eventually not_running "$LECTURE_PID" # ending every pane may take a while when busy
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
