#!/usr/bin/env bats
# The test harness's own races: two fixes in tests/helpers.bash and
# tests/scenes/lib.bash that a rehearsal of CI needed, each shown here with
# the scheduler's bad moment made to happen on purpose. Without the fix,
# each test fails.

load helpers

@test "spawn: the command's output file is empty when spawn returns, even while the command waits for its input FIFO" {
  # A second command of the same name must not find the first one's line:
  # a wait for "holding" would take the old line and go on too soon. The
  # background shell opens its output only once its input FIFO has a
  # writer, so spawn itself must empty the file first.
  in=$BATS_TEST_TMPDIR/in out=$BATS_TEST_TMPDIR/out
  mkfifo "$in"
  echo 'holding 100' >"$out"
  spawn "$in" "$out" /dev/null cat
  cat_pid=$SPAWNED_PID
  assert_equal "$(cat "$out")" ''
  # Now the writer: cat opens its output, copies a line, and ends at EOF.
  echo 'a new line' >"$in"
  eventually not is_running "$cat_pid"
  assert_equal "$(cat "$out")" 'a new line'
}

@test "new_lines: a line written while a scene shows a terminal's lines is shown once, by this call or the next" {
  # tests/scenes/lib.bash alone, in a bash of its own. Its wc, the count of
  # the terminal's lines, here first writes a third line to the terminal's
  # file: the moment a program writes while the scene shows its lines.
  # Counted after the lines are shown, that line would be counted as shown
  # and never shown.
  SCENE_TMP=$BATS_TEST_TMPDIR
  printf 'one\ntwo\n' >"$SCENE_TMP/A.out"
  run env -i PATH="$PATH" SCENE_TMP="$SCENE_TMP" bash --noprofile --norc -c '
    source "$1"
    wc() {
      if [[ ! -e $SCENE_TMP/written ]]; then
        echo three >>"$SCENE_TMP/A.out"
        : >"$SCENE_TMP/written"
      fi
      command wc "$@"
    }
    new_lines A
    echo "--- next call"
    new_lines A' _ "$ROOT/tests/scenes/lib.bash"
  assert_success
  assert_equal "$(grep -v '^--- next call$' <<<"$output")" $'[A] one\n[A] two\n[A] three'
}
