# wait.bash - waiting for a condition, with a deadline: the one polling loop
# of the test tooling (tests/helpers.bash's eventually and not_within, the
# scene and lecture libraries, make lecture, make grade, the bench profile,
# tests/run).
# Plain bash, no bats: source it.
#
#   now_ms [VAR]          the clock in milliseconds: printed, or put in VAR
#                         (no subshell: for a caller that looks often)
#   pause_ms MS           wait MS milliseconds, without starting a process
#   wait_until MS CMD...  run CMD (a command and its arguments, no string for
#                         eval) until it succeeds: true as soon as it does,
#                         false when it still fails MS milliseconds from now
#   wait_while MS CMD...  the same, until CMD fails
#   not CMD...            true when CMD fails: wait_until 500 not is_running P
#
# The first look is at once; the gap between two looks starts at
# POLL_FIRST_MS (5) and grows by half each time up to POLL_MAX_MS (100), so
# that a condition that comes soon is seen soon, and a long wait does not
# spend the CPU the programs under test need (a look that starts a process
# is costly: the waiting itself starts none). The last look is at the
# deadline. A caller may set either for one call (POLL_MAX_MS=200
# wait_until ...) or for good. WAIT_PAUSE may name a command to run in
# place of pause_ms between two looks, given the gap in milliseconds (make
# lecture reads the instructor's keys while it waits).
#
# The pause is read -t on a FIFO that nobody writes to, .wait-fifo-PID in
# WAIT_FIFO_DIR (by default bats' BATS_TEST_TMPDIR or BATS_FILE_TMPDIR);
# opened for each pause, so that no descriptor of it leaks into the programs
# the caller starts. Without such a folder, sleep (a process per pause).
#
# CMD runs inside these functions, and sees their local variables: theirs
# all start with __wait, so that they hide none of the caller's.

now_ms() {
  local __wait_us=${EPOCHREALTIME/[.,]/}
  if (($# > 0)); then
    printf -v "$1" '%d' $((__wait_us / 1000))
  else
    echo $((__wait_us / 1000))
  fi
}

pause_ms() {
  local __wait_seconds __wait_dir=${WAIT_FIFO_DIR:-${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-}}}
  printf -v __wait_seconds '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
  # One FIFO a process (.wait-fifo-PID): shared by the name alone between the
  # processes of a lecture, its Ctrl-C test sometimes saw tests/lecture/run
  # poll on for a minute after the lecture had ended.
  local __wait_fifo=$__wait_dir/.wait-fifo-$BASHPID
  if [[ -n $__wait_dir ]] && { [[ -p $__wait_fifo ]] ||
    mkfifo "$__wait_fifo" 2>/dev/null || [[ -p $__wait_fifo ]]; }; then
    # Opened read-write: the open does not wait for a writer, and the read
    # never sees end of file.
    read -r -t "$__wait_seconds" _ <>"$__wait_fifo" || :
  else
    sleep "$__wait_seconds"
  fi
}

wait_until() {
  local __wait_now __wait_end __wait_gap=${POLL_FIRST_MS:-5} __wait_pause
  now_ms __wait_now
  __wait_end=$((__wait_now + $1))
  shift
  until "$@"; do
    now_ms __wait_now
    ((__wait_now < __wait_end)) || return 1
    __wait_pause=$((__wait_end - __wait_now < __wait_gap ? __wait_end - __wait_now : __wait_gap))
    "${WAIT_PAUSE:-pause_ms}" "$__wait_pause"
    __wait_gap=$((__wait_gap * 3 / 2 > __wait_gap ? __wait_gap * 3 / 2 : __wait_gap + 1))
    ((__wait_gap <= ${POLL_MAX_MS:-100})) || __wait_gap=${POLL_MAX_MS:-100}
  done
}

wait_while() { wait_until "$1" not "${@:2}"; }

not() { ! "$@"; }
