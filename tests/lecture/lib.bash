# lib.bash - the scene functions of tests/scenes/lib.bash, played live in
# tmux panes for make lecture. tests/lecture/driver sources this file in the
# lecture's narration pane, then plays each scene of a lab with it, so the
# lecture, the handouts' transcripts and make demo come from the same scenes.
#
# Where tests/scenes/lib.bash runs a program in the background and reads its
# output from a file, this library types the command into a real terminal
# (a tmux pane, with tmux send-keys: the class sees it typed) and reads what
# the pane printed. Every pane runs an interactive bash under
# tests/tools/subreaper (so the zombies a fork-zombie server leaves are reaped
# once it exits, and nothing outlives the pane); for each pane the lecture
# keeps (tmux pipe-pane, and the pane's tests/lecture/shellrc):
#     $SCENE_TMP/NAME.out     every line the pane printed (tmux pipe-pane,
#                             without carriage returns and escape sequences)
#     $SCENE_TMP/NAME.status  the exit status of each command, one line per
#                             prompt: a new line means the command ended
#     $SCENE_TMP/NAME.shell   the pid of the pane's bash
#
# Every action that the class should see (server, client, typed, show,
# finish, stop...) is a step: the driver pauses before it until the
# instructor presses a key (or LECTURE_STEP_SECONDS pass). Waiting for output
# (server_log, client_log, await, exited) is not a step; after
# LECTURE_NOTICE_MS it says in the narration what it waits for and offers s
# (skip the scene) or q; it gives up after LECTURE_DEADLINE_MS and the scene
# stops with a message in the narration. Keys pressed while a step runs are
# dropped, so that one key is one step.
#
# The server always listens on port 0, so the kernel picks a free port and
# two lectures (or a lecture and make check) never collide; its first line,
# "listening on ADDR port N (pid P)", gives PORT and SERVER_PID, which are
# typed in their place wherever a scene writes $PORT or $SERVER_PID.

# shellcheck disable=SC2034 # SCENE_SERVER_WRAPPER and TERMINAL_PID are the scenes'

LECTURE_DEADLINE_MS=${LECTURE_DEADLINE_MS:-20000}
LECTURE_NOTICE_MS=${LECTURE_NOTICE_MS:-2000} # a wait this long is announced
LECTURE_QUIT=3 # a scene's exit status when the instructor pressed q
LECTURE_SKIP=4 # a scene's exit status when the instructor skipped it
LECTURE_MIN_COLUMNS=80 # no pane narrower: two columns need 160
SERVER_PID=
PORT=
SCENE_SERVER_WRAPPER=() # ignored: every pane already runs under a subreaper
declare -A SEEN PROMPTS TERMINAL_PID

if [[ -t 1 ]]; then
  BOLD=$'\033[1m' DIM=$'\033[2m' RED=$'\033[1;31m' PLAIN=$'\033[0m' CLEAR_LINE=$'\r\033[K'
else
  BOLD='' DIM='' RED='' PLAIN='' CLEAR_LINE=$'\n'
fi

# Every wait is tests/wait.bash's wait_until, looking at least every 30 ms
# (lecture_wait reads the keys pressed as often), pausing on a FIFO in
# LECTURE_STATE.
# shellcheck source=tests/wait.bash
source "${BASH_SOURCE[0]%/*}/../wait.bash"
# shellcheck disable=SC2034 # both read by tests/wait.bash
WAIT_FIFO_DIR=$LECTURE_STATE POLL_MAX_MS=30

# --- panes ---------------------------------------------------------------

# pane_id NAME : the tmux id (%N) of the pane called NAME, if this scene
# opened one (every tmux command costs a round trip: they are kept here).
declare -A PANE_ID READY
pane_id() { printf '%s' "${PANE_ID[$1]:-}"; }

# scene_terminals FILE : the terminals of clients a scene uses (A, B, F...),
# in the order it first names them.
scene_terminals() {
  local word name seen=' '
  while read -r word name _; do
    case $word in
    client | client_program | start_in | typed | enter | finish | interrupt | kill9 | exited | run_in | client_log) ;;
    *) continue ;;
    esac
    [[ $name =~ ^[A-Za-z][A-Za-z0-9_-]*$ && $name != server && $name != shell ]] || continue
    [[ $seen == *" $name "* ]] && continue
    seen+="$name "
    printf '%s\n' "$name"
  done <"$1"
}

# open_panes SCENE_FILE : every pane the scene uses, opened before it starts
# and placed for good, so that no pane moves when a client starts. On a
# window 160 columns wide or more (a projector at 200x50): two columns, the
# narration, the server and the shell on the left, the live view and the
# clients (8 lines each) on the right. On a narrower one, no pane may be
# narrower than 80 columns: the view and the clients go to a second window
# (its name in the status line; click it, or Ctrl-B n).
open_panes() {
  local w h n i ch right clients=()
  mapfile -t clients < <(scene_terminals "$1")
  n=${#clients[@]}
  read -r w h < <(tmux display -p -t "$NARRATION_PANE" '#{window_width} #{window_height}')
  ch=$(((h / 2) / (n > 0 ? n : 1) - 1))
  ((ch > 8)) && ch=8
  ((ch < 4)) && ch=4
  if ((w >= 2 * LECTURE_MIN_COLUMNS)); then
    open_pane view "$NARRATION_PANE" "$VIEW_COMMAND" -h -l $((w / 2))
  else
    open_pane view '' "$VIEW_COMMAND"
  fi
  right=${PANE_ID[view]}
  for ((i = 0; i < n; i++)); do
    open_pane "${clients[i]}" "$right" '' -v -l $(((n - i) * (ch + 1) - 1))
    right=${PANE_ID[${clients[i]}]}
  done
  open_pane server "$NARRATION_PANE" '' -v -l $((h * 55 / 100))
  open_pane shell "${PANE_ID[server]}" '' -v -l $((h * 55 / 100 / 2))
}

# open_pane NAME TARGET COMMAND [SPLIT...] : a pane called NAME, split from
# pane TARGET (tmux split-window SPLIT: -h or -v, -l size), or the first
# pane of a second window when TARGET is empty; in the lab's folder, running
# COMMAND, or by default a shell for the scene to type into.
open_pane() {
  local name=$1 target=$2 command=$3 id pid log shell=''
  shift 3
  if [[ -z $command ]]; then
    shell=1
    command="exec env LECTURE_PANE=$name SCENE_TMP=$(printf %q "$SCENE_TMP")"
    command+=" $(printf %q "$ROOT/tests/tools/subreaper") bash --noprofile"
    command+=" --rcfile $(printf %q "$ROOT/tests/lecture/shellrc") -i"
  fi
  if [[ -n $target ]]; then
    read -r id pid < <(tmux split-window -d -P -F '#{pane_id} #{pane_pid}' -t "$target" "$@" \
      -c "$ROOT/labs/$LAB" "$command")
  else
    read -r id pid < <(tmux new-window -d -P -F '#{pane_id} #{pane_pid}' -n 'view and clients' \
      -c "$ROOT/labs/$LAB" "$command")
  fi
  [[ -n $id ]] || lecture_fail "tmux could not open a pane for $name (is the window too small?)"
  PANE_ID[$name]=$id
  # The pane's process leads a session of its own; remember it, so that
  # whatever runs in the pane can be found (and ended) by its session id.
  echo "$pid" >>"$LECTURE_STATE/sessions"
  if [[ -z $shell ]]; then
    tmux set -p -t "$id" @name "$name" >/dev/null
    return 0
  fi
  # What the pane prints, line by line, without escape sequences.
  log=$(printf %q "$SCENE_TMP/$name.out")
  : >"$SCENE_TMP/$name.out"
  tmux set -p -t "$id" @name "$name" \; \
    pipe-pane -t "$id" "exec perl -pe 'BEGIN { \$| = 1 } s/\\r//g; s/\\e\\][^\\a]*\\a//g; s/\\e\\[[0-9;?]*[A-Za-z]//g; s/\\e[=>]//g' >>$log" >/dev/null
  SEEN[$name]=0
}

# new_pane NAME : a pane for a terminal the scene did not name where
# open_panes looks (should a scene call a function of its own): below the
# live view.
new_pane() {
  open_pane "$1" "${PANE_ID[view]:-$NARRATION_PANE}" '' -v
}

# ready NAME : wait until the shell in pane NAME shows its first prompt, so
# that no keystroke is typed too early.
ready() {
  lecture_wait "the shell in pane $1 to start" test -s "$SCENE_TMP/$1.status"
  READY[$1]=1
}

# kill_descendants PID : SIGKILL every live descendant of PID (not PID).
kill_descendants() {
  local pid ppid state
  local -A parent_of
  while read -r pid ppid state; do
    [[ $state == Z ]] || parent_of[$pid]=$ppid
  done <<<"$(ps -e -o pid= -o ppid= -o stat=)"
  local -a todo=("$1") kids
  while ((${#todo[@]} > 0)); do
    kids=()
    for pid in "${!parent_of[@]}"; do
      [[ " ${todo[*]} " == *" ${parent_of[$pid]} "* ]] && kids+=("$pid")
    done
    ((${#kids[@]} > 0)) && kill -KILL "${kids[@]}" 2>/dev/null
    todo=("${kids[@]}")
  done
  return 0
}

# reaped PID : PID has left /proc, that is its parent (tmux) reaped it.
# tmux built with libutempter (Debian's is) can miss a SIGCHLD: the
# library puts in a SIGCHLD handler of its own for a moment whenever a pane
# opens or closes, and a child that ends in that moment stays a zombie until
# the next SIGCHLD comes (tmux issue 311). So a zombie found here gets its
# parent a SIGCHLD from us, and tmux reaps it.
reaped() {
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 0
  # after "(comm) ": state, then the parent's pid
  read -r -a stat <<<"${stat##*) }"
  [[ ${stat[0]} == Z ]] && kill -CHLD "${stat[1]}" 2>/dev/null
  return 1
}

# all_reaped PID... : every PID is reaped (each zombie among them nudged).
all_reaped() {
  local pid all=0
  for pid; do reaped "$pid" || all=1; done
  return "$all"
}

# end_panes : end every pane but the narration's (between scenes, and at
# the end), and everything that runs in them. Each pane's process leads a
# session: kill the rest of that session first, so that the subreaper at its
# head reaps the orphans (zombies included) and exits by itself; then the
# head, if it is still there.
end_panes() {
  local id leader pid sid comm leaders=()
  local -A lead
  while read -r id leader; do
    [[ -z $id || $id == "$NARRATION_PANE" ]] && continue
    leaders+=("$leader")
    lead[$leader]=1
  done <<<"$(tmux list-panes -s -F '#{pane_id} #{pane_pid}')"
  while read -r pid sid; do
    [[ -n ${lead[$sid]:-} ]] && ((pid != sid)) && kill -KILL "$pid" 2>/dev/null
  done <<<"$(ps -e -o pid= -o sid=)"
  # The waits below end as soon as every leader is reaped by tmux. Their
  # deadlines are long because a busy machine can take seconds; a quiet one
  # takes none of them. All panes wait together: a slow pane adds its wait
  # once, not once per pane.
  for leader in "${leaders[@]}"; do
    comm=
    read -r comm 2>/dev/null <"/proc/$leader/comm"
    [[ $comm == subreaper ]] || kill -KILL "$leader" 2>/dev/null
  done
  if ((${#leaders[@]} > 0)) && ! wait_until 10000 all_reaped "${leaders[@]}"; then
    # A subreaper still there waits for a descendant that left its session
    # (or one forked after the list above): end every descendant, so that
    # it reaps them and exits, and tmux reaps it (killed now, its orphans
    # would go to a PID 1 that may never reap them).
    for leader in "${leaders[@]}"; do
      reaped "$leader" || kill_descendants "$leader"
    done
    if ! wait_until 10000 all_reaped "${leaders[@]}"; then
      for leader in "${leaders[@]}"; do
        reaped "$leader" || kill -KILL "$leader" 2>/dev/null
      done
      # tmux must reap them before its server ends: a zombie left then
      # would go to PID 1, which may never reap it.
      wait_until 10000 all_reaped "${leaders[@]}" || :
    fi
  fi
  # A pane closes when its process ends; kill-pane for any that did not.
  while read -r id; do
    [[ -z $id || $id == "$NARRATION_PANE" ]] || tmux kill-pane -t "$id" 2>/dev/null
  done <<<"$(tmux list-panes -s -F '#{pane_id}')"
  return 0
}

# type_in NAME TEXT : type TEXT and Enter into pane NAME (opened if needed).
type_in() {
  local name=$1 text=$2 id
  id=$(pane_id "$name")
  if [[ -z $id ]]; then
    new_pane "$name"
    id=$(pane_id "$name")
  fi
  [[ -n ${READY[$name]:-} ]] || ready "$name"
  lines_of "$SCENE_TMP/$name.status"
  PROMPTS[$name]=${#LINES[@]}
  # tmux reads an argument ending in ; as the end of a command: escape it.
  [[ $text == *';' ]] && text="${text%;}\\;"
  tmux send-keys -t "$id" -l -- "$text" \; send-keys -t "$id" Enter
}

keys() { tmux send-keys -t "$(pane_id "$1")" "$2"; }

# --- waiting ---------------------------------------------------------------

# lecture_wait WHAT COMMAND... : poll COMMAND until it succeeds. WHAT
# says in words what the scene waits for: after LECTURE_NOTICE_MS (when the
# instructor stopped the server by hand, say) the narration says it, and
# offers to skip the scene (s) or quit (q); after LECTURE_DEADLINE_MS the
# scene stops. Keys pressed while it waits are read here, so that they do
# not pile up into the next steps. (The polls read files with bash builtins
# and sleep in read -t: no process to start, which counts on a busy machine.)
lecture_wait() {
  local what=$1 start now noticed=''
  shift
  now_ms start
  WAIT_PAUSE=lecture_pause wait_until "$LECTURE_DEADLINE_MS" "$@" ||
    lecture_fail "waited $((LECTURE_DEADLINE_MS / 1000)) s for $what"
  now_ms now
  [[ -z $noticed ]] || narrate "$DIM" "  " "(there it is, after $(((now - start) / 1000)) s)"
  return 0
}

# lecture_pause MS : lecture_wait's pause between two looks: the notice once
# LECTURE_NOTICE_MS have passed, and a key read (or MS milliseconds). It
# reads lecture_wait's what, start and noticed.
lecture_pause() {
  local now seconds key='' status
  now_ms now
  if [[ -z $noticed ]] && ((now - start >= LECTURE_NOTICE_MS)); then
    noticed=1
    wait_notice "$what" $(((start + LECTURE_DEADLINE_MS - now) / 1000))
  fi
  printf -v seconds '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
  read -rsn1 -t "$seconds" key 2>/dev/null
  status=$?
  ((status == 1)) && pause_ms "$1" # (no terminal: nothing to read)
  [[ $key == q ]] && exit "$LECTURE_QUIT"
  [[ $key == s && -n $noticed ]] && skip_scene "$what"
  return 0
}

# wait_notice WHAT SECONDS_LEFT : what the scene waits for, in words, what
# may be wrong, and the keys that get out of it.
wait_notice() {
  local state=''
  narrate "$RED" "  " "Still waiting for $1."
  if [[ -n ${SERVER_PID:-} ]]; then
    read -r state 2>/dev/null < <(ps -o stat= -p "$SERVER_PID")
    if [[ -z $state || $state == Z* ]]; then
      narrate "$RED" "  " "The server (pid $SERVER_PID) is no longer running: was it stopped by hand?"
    elif [[ $state == T* ]]; then
      narrate "$RED" "  " "The server (pid $SERVER_PID) is stopped (SIGSTOP): kill -CONT $SERVER_PID in the shell pane resumes it."
    fi
  fi
  narrate "$DIM" "  " "[s: skip this scene, q: quit the lecture; or wait: the scene gives up in $2 s]"
}

# skip_scene WHAT : the instructor skipped the scene while it waited.
skip_scene() {
  narrate "$RED" "  " "Scene skipped by the instructor (it waited for $1)."
  echo "$SCENE_NAME: skipped by the instructor while waiting for $1" >>"$LECTURE_STATE/skipped"
  exit "$LECTURE_SKIP"
}

lecture_fail() {
  echo
  narrate "$RED" "  " "This scene stops here: $*"
  echo "$SCENE_NAME: $*" >>"$LECTURE_STATE/problems"
  exit 1
}

# lines_of FILE : LINES=the complete lines of FILE (a last line without its
# newline is still being written: left out).
lines_of() {
  mapfile LINES <"$1"
  ((${#LINES[@]} > 0)) && [[ ${LINES[-1]} != *$'\n' ]] && unset 'LINES[-1]'
  LINES=("${LINES[@]%$'\n'}")
}

# has_new_line NAME REGEX : pane NAME printed a line not seen yet that
# matches REGEX.
has_new_line() {
  local i
  lines_of "$SCENE_TMP/$1.out"
  for ((i = SEEN[$1]; i < ${#LINES[@]}; i++)); do
    [[ ${LINES[i]} =~ $2 ]] && return 0
  done
  return 1
}

# new_lines NAME : every line pane NAME printed so far counts as seen.
new_lines() {
  lines_of "$SCENE_TMP/$1.out"
  SEEN[$1]=${#LINES[@]}
}

wait_for_line() {
  lecture_wait "$(terminal_words "$1") to print a line like '$(regex_words "$2")'" has_new_line "$1" "$2"
}

# terminal_words NAME : what a terminal is called in the narration.
terminal_words() {
  case $1 in
  server) echo "the server" ;;
  shell) echo "the command in the shell pane" ;;
  *) echo "$1" ;;
  esac
}

# regex_words REGEX : a line that matches REGEX, as words ('^child pid .*
# serves' is "child pid ... serves").
regex_words() {
  local text=$1
  text=${text#^}
  text=${text%\$}
  text=${text//.\*/...}
  text=${text//\[0-9\]\*/N}
  text=${text//\[0-9\]+/N}
  text=${text//\\/}
  printf '%s' "$text"
}

# The terminal echoes what is typed: count the echoed line as seen, so that
# client_log waits for the reply, not for the echo of the question. (The
# echo may follow a prompt, as in "> hello".)
echoed() {
  local i
  lines_of "$SCENE_TMP/$1.out"
  for ((i = SEEN[$1]; i < ${#LINES[@]}; i++)); do
    if [[ ${LINES[i]} == *"$2" ]]; then
      SEEN[$1]=$((i + 1))
      return 0
    fi
  done
  return 1
}

# prompt_back NAME : the command typed last in pane NAME has ended (its
# shell printed a new prompt); LAST_STATUS is its exit status.
prompt_back() {
  lines_of "$SCENE_TMP/$1.status"
  ((${#LINES[@]} > PROMPTS[$1])) || return 1
  LAST_STATUS=${LINES[-1]}
}

wait_prompt() {
  lecture_wait "the command in pane $1 to end (the shell's prompt to come back)" prompt_back "$1"
  PROMPTS[$1]=${#LINES[@]}
}

# --- steps -----------------------------------------------------------------

STEP=0

# step TEXT : the pause before an action; TEXT says what it does. The
# prompt is short, so that it fits a narrow pane and can be erased.
step() {
  local key=''
  STEP=$((STEP + 1))
  prompt '[Enter: next, q: quit]' key
  printf '%s' "$CLEAR_LINE"
  narrate "$BOLD" "  > " "$*"
}

# hold TEXT : after a scene, whatever way it ended, its panes stay as they
# are until the next key (or LECTURE_STEP_SECONDS): the class sees the last
# step's result. TEXT says what comes next.
hold() {
  local key=''
  STEP=999
  prompt "[Enter: $1, q: quit]" key
  printf '%s' "$CLEAR_LINE"
}

# prompt TEXT VAR : refresh the view, show the step in the status line,
# snapshot the panes (LECTURE_SNAPSHOTS), show TEXT and read a key into VAR
# (q quits). Keys pressed before the prompt shows are dropped (a q among
# them still quits): a key is one step, however long the last step took.
prompt() {
  local -n pressed=$2
  local dropped
  if ((STEP == 999)) || [[ $SCENE_NUMBER == end ]]; then refresh_view soft; else refresh_view; fi
  STATUS=(set -q status-right "#[bold]$LAB#[default] scene $SCENE_NUMBER/$SCENE_COUNT, step $STEP ")
  ((STEP == 999)) && STATUS=(set -q status-right "#[bold]$LAB#[default] scene $SCENE_NUMBER/$SCENE_COUNT, over ")
  [[ $SCENE_NUMBER == end ]] && STATUS=(set -q status-right "#[bold]$LAB#[default] the end ")
  if [[ -n ${LECTURE_SNAPSHOTS:-} ]]; then
    snapshot # (it sets the status line too: one tmux command the less)
  else
    tmux "${STATUS[@]}"
  fi
  while read -rsn1 -t 0.01 dropped 2>/dev/null; do
    [[ $dropped == q ]] && exit "$LECTURE_QUIT"
  done
  if [[ -n ${LECTURE_STEP_SECONDS:-} ]]; then
    printf '%s  [%ss; %s%s' "$DIM" "$LECTURE_STEP_SECONDS" "${1#[}" "$PLAIN"
    read -rsn1 -t "$LECTURE_STEP_SECONDS" pressed
  else
    printf '%s  %s%s' "$DIM" "$1" "$PLAIN"
    read -rsn1 pressed
  fi
  [[ $pressed == q ]] && exit "$LECTURE_QUIT"
  return 0
}

# snapshot : what every pane shows, into $LECTURE_STATE/snapshots/ (tests
# read these; LECTURE_SNAPSHOTS=1), and where each pane is: "=== layout ==="
# then a line "NAME WIDTH HEIGHT LEFT TOP WINDOW" per pane.
snapshot() {
  local file id name args=()
  if [[ $SCENE_NUMBER == end ]]; then
    file=$LECTURE_STATE/snapshots/end
  else
    printf -v file '%s/snapshots/%02d-%03d' "$LECTURE_STATE" "$SCENE_NUMBER" "$STEP"
  fi
  args=("${STATUS[@]}" \; display -p "=== layout ===" \;
    list-panes -s -F '#{@name} #{pane_width} #{pane_height} #{pane_left} #{pane_top} #{window_index}' \;
    display -p "=== narration ===" \; capture-pane -p -J -t "$NARRATION_PANE")
  while read -r id name; do
    [[ -z $name || $id == "$NARRATION_PANE" ]] && continue
    args+=(\; display -p "=== $name ===" \; capture-pane -p -J -t "$id")
  done <<<"$(tmux list-panes -s -F '#{pane_id} #{@name}')"
  tmux "${args[@]}" >"$file"
}

# --- the scene functions (see tests/scenes/lib.bash for what each means) ---

say() { narrate "$BOLD" "  # " "$*"; }

# narrate COLOUR LEAD TEXT : TEXT in the narration pane, in COLOUR (an
# escape sequence, or nothing), wrapped at words to the pane's width; LEAD
# ("  # ") starts the first line, as many spaces the others.
narrate() {
  local colour=$1 lead=$2 width=80 word line='' words=()
  # Split at each space (runs of spaces kept, as typed), and no glob.
  IFS=$'\x1f' read -r -a words <<<"${3// /$'\x1f'}"
  read -r _ width 2>/dev/null < <(stty size 2>/dev/null)
  width=$((width - ${#lead} - 1))
  ((width >= 20)) || width=20
  for word in "${words[@]}"; do
    if [[ -n $line && -n $word ]] && ((${#line} + 1 + ${#word} > width)); then
      printf '%s%s%s%s\n' "$colour" "$lead" "$line" "$PLAIN"
      lead=${lead//?/ }
      line=$word
    else
      line+=${line:+ }$word
    fi
  done
  printf '%s%s%s%s\n' "$colour" "$lead" "$line" "$PLAIN"
}

mask() { :; } # real numbers in a lecture

# The command with the real port and pid in place of $PORT and $SERVER_PID.
shown() {
  local text=${1//\$PORT/$PORT}
  printf '%s' "${text//\$SERVER_PID/$SERVER_PID}"
}

server() {
  local line
  step "server: ./server${*:+ $*} 0   (port 0: the kernel picks a free port)"
  type_in server "./server${*:+ $*} 0"
  wait_for_line server '^listening on .* port [0-9]+ \(pid [0-9]+\)$'
  line=$(tail -n "+$((SEEN[server] + 1))" "$SCENE_TMP/server.out" | grep -m 1 -E '^listening on ')
  PORT=$(sed -n 's/.* port \([0-9]*\) (pid [0-9]*)$/\1/p' <<<"$line")
  SERVER_PID=$(sed -n 's/.* (pid \([0-9]*\))$/\1/p' <<<"$line")
  new_lines server
  live_view
}

server_with_terminal() {
  server "$@"
  TERMINAL_PID[server]=$SERVER_PID
}

# live_view : the view pane (see tests/lecture/view) watches the new
# server: its sockets and its threads and children.
live_view() {
  echo "$PORT $SERVER_PID" >"$SCENE_TMP/view.target"
  refresh_view
}

# refresh_view [soft] : poke the view and wait for a drawing that started
# after the poke: the view shows what the last step did before the next
# begins. soft (after a scene): if the view is slow, go on without it.
refresh_view() {
  local since=$EPOCHREALTIME fd
  [[ -p $SCENE_TMP/view.target.wake ]] || return 0
  exec {fd}<>"$SCENE_TMP/view.target.wake"
  echo >&"$fd"
  exec {fd}>&-
  if [[ ${1:-} == soft ]]; then
    wait_until 3000 drawn_since "${since/[.,]/}" || :
    return 0
  fi
  lecture_wait "the live view (the pane called view) to redraw" drawn_since "${since/[.,]/}"
}

drawn_since() {
  local drawn=
  read -r drawn 2>/dev/null <"$SCENE_TMP/view.target.drawn"
  [[ -n $drawn ]] && ((${drawn/[.,]/} > $1))
}

server_log() {
  wait_for_line server "$1"
  new_lines server
}

show() {
  local text
  text=$(shown "$1")
  step "\$ $text"
  type_in shell "$text"
  wait_prompt shell
}

client() { client_program "$1" ./client "${@:2}"; }

client_program() {
  local name=$1 text shell
  shift
  text=$(shown "$*")
  step "$name: $text"
  type_in "$name" "$text"
  # Its pid, for a scene that kills it (kill -9 in p2p-chat).
  shell=$(cat "$SCENE_TMP/$name.shell")
  lecture_wait "$name's program to start" started "$shell" "$name"
  TERMINAL_PID[$name]=$CHILD
}

# started SHELL_PID NAME : the shell runs the command typed (CHILD is its
# pid, read from /proc: no pgrep to start), or ran it already.
started() {
  CHILD=
  read -r CHILD _ 2>/dev/null <"/proc/$1/task/$1/children"
  [[ -n $CHILD ]] || prompt_back "$2"
}

typed() {
  step "$1 types: $2"
  type_in "$1" "$2"
  lecture_wait "$1 to show the line typed" echoed "$1" "$2"
}

enter() {
  step "$1: Enter (an empty line)"
  keys "$1" Enter
}

client_log() {
  wait_for_line "$1" "$2"
  new_lines "$1"
}

finish() {
  step "$1: Ctrl-D (end of input)"
  keys "$1" C-d
  wait_prompt "$1"
  new_lines "$1"
}

stop() {
  step "server: Ctrl-C"
  keys server C-c
  wait_prompt server
  new_lines server
  SERVER_PID=
}

exited() {
  wait_prompt "$1"
  new_lines "$1"
  [[ $1 == server ]] && SERVER_PID=
  return 0
}

start_in() {
  local text
  text=$(shown "$2")
  step "$1: $text"
  type_in "$1" "$text"
}

interrupt() {
  step "$1: Ctrl-C"
  keys "$1" C-c
  wait_prompt "$1"
}

kill9() {
  show "kill -9 ${TERMINAL_PID[$1]}"
  exited "$1"
}

run_in() {
  local text
  text=$(shown "$2")
  step "$1: $text"
  type_in "$1" "$text"
  wait_prompt "$1"
}

# await COMMAND [WORDS] : WORDS say what COMMAND checks (scenes give them).
await() {
  lecture_wait "${2:-"this command to succeed: $1"}" eval "$1 >/dev/null 2>&1"
}
