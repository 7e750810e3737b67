#!/usr/bin/env bats
# make lecture (tests/lecture/): each lab's scenes played live in tmux panes.
# Each test runs a lecture without a terminal, on a tmux socket of its own
# (tmux -L), so that no test touches anyone's tmux. In timer mode the driver
# captures every pane before each step (LECTURE_SNAPSHOTS): the tests look
# for what each pane must have shown; in key mode they capture the panes
# themselves between the keys they press. Afterwards nothing may be left:
# no tmux server on the socket, no process in any pane's session.
#
# Without tmux the tests are skipped (and say so); .ci/run installs tmux.

load helpers

setup() {
  command -v tmux >/dev/null || skip "tmux is not installed (make lecture needs it; .ci/run installs it)"
  SOCKET=lecture-test-$$-$BATS_TEST_NUMBER
  STATE=$BATS_TEST_TMPDIR/state
  LECTURE_PID=
}

teardown() {
  [[ -n ${SOCKET:-} ]] || return 0
  [[ -n $LECTURE_PID ]] && kill -TERM "$LECTURE_PID" 2>/dev/null
  tmux -L "$SOCKET" kill-server 2>/dev/null
  local sid
  for sid in $(cat "$STATE/sessions" 2>/dev/null); do
    pkill -KILL -s "$sid" 2>/dev/null
  done
  return 0
}

# lecture LAB SCENES [STEP_SECONDS] : start tests/lecture/run in the
# background (timer mode unless STEP_SECONDS is "keys").
lecture() {
  local steps=${3:-0.01}
  [[ $steps == keys ]] && steps=''
  LECTURE_SOCKET=$SOCKET LECTURE_STATE=$STATE LECTURE_SNAPSHOTS=1 LECTURE_DETACHED=1 \
    LECTURE_STEP_SECONDS=$steps LECTURE_SCENES=$2 \
    "$ROOT/tests/lecture/run" "$1" >"$BATS_TEST_TMPDIR/run.out" 2>&1 3>&- &
  LECTURE_PID=$!
}

# finished : wait for the lecture to end; it must have played every scene.
finished() {
  DEADLINE=60 eventually not_running "$LECTURE_PID"
  wait "$LECTURE_PID" || {
    cat "$BATS_TEST_TMPDIR/run.out" >&2
    return 1
  }
  LECTURE_PID=
  assert_equal "$(cat "$STATE/result")" finished
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
steps_taken() { live narration | grep -c '^  > ' || :; }
# next_step : press Enter, wait until the step is done and the next prompt up.
next_step() {
  local before
  before=$(steps_taken)
  press Enter
  eventually more_steps_than "$before"
  eventually at_prompt
}
more_steps_than() { (($(steps_taken) > $1)); }

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
  lecture tcp-echo 20
  finished
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
  lecture udp-echo 15
  finished
  port=$(server_port)
  shown A 'no reply within 300 ms$'
  shown A '^second$'
  shown server ': 5 bytes$'
  shown view "UNCONN .* 127\.0\.0\.1:$port "
  nothing_left
}

@test "fork-zombie: the view shows the server's zombies; none is left after" {
  lecture fork-zombie 10
  finished
  pid=$(server_pid)
  shown view "^ *[0-9]+ +$pid +[0-9]+ Z.* <defunct>"
  shown shell "^[0-9]+ $pid Z"
  nothing_left
}

@test "reaper: the server's child is in the view, then reaped" {
  lecture reaper 10
  finished
  pid=$(server_pid)
  shown view "^ *[0-9]+ +$pid +[0-9]+ S"
  shown server 'reaped child pid [0-9]+, exit status 0$'
  nothing_left
}

@test "threads: the view lists the server's threads (ps -L)" {
  lecture threads 10
  finished
  pid=$(server_pid)
  shown A '^from A$'
  shown C '^from C$'
  # four tasks of the server in one snapshot: the main thread and three
  for file in "$STATE"/snapshots/*; do
    (($(pane_text "$file" view | grep -cE "^ *$pid +[0-9]+ +[0-9]+ ") == 4)) && found=1
  done
  [[ -n ${found:-} ]]
  nothing_left
}

@test "select: Enter in the server's pane stops it; a flood in a pane of its own, Ctrl-C" {
  lecture select "20 30"
  finished
  shown F 'head -c 100M /dev/zero > /dev/tcp/127\.0\.0\.1/[0-9]+$'
  shown A '^still served$'
  shown narration 'F gives up'
  nothing_left
}

@test "p2p-chat: both sides type; a peer killed with kill -9 from the shell pane" {
  lecture p2p-chat "10 30"
  finished
  shown server '^peer: hi, anyone there\?$'
  shown A '^peer: yes, hello A$'
  shown shell '^\[shell\]\$ kill -9 [0-9]+$'
  nothing_left
}

@test "pool: the view shows the three workers, children of the server" {
  lecture pool 10
  finished
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
  eventually not_running "$LECTURE_PID"
  wait "$LECTURE_PID"
  LECTURE_PID=
  assert_equal "$(cat "$STATE/result")" quit
  nothing_left
}

@test "Ctrl-C in the narration pane, with zombies about, leaves nothing behind" {
  lecture fork-zombie 10 keys
  eventually at_prompt
  # Step on until the server has a zombie child.
  for ((i = 0; i < 30; i++)); do
    live_shows view '<defunct>' && break
    next_step
  done
  eventually live_shows view '<defunct>'
  press C-c
  eventually not_running "$LECTURE_PID"
  run wait "$LECTURE_PID"
  LECTURE_PID=
  assert_equal "$(cat "$STATE/result")" interrupted
  nothing_left
}
