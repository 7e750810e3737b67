#!/usr/bin/env bats
# The student's loop: change a lab as an exercise says, run make check on it,
# compare with the handout. make check tests the student's programs, says
# that they differ from the committed ones, skips the lab's lessons (they
# break the committed lab), and names the exercise whose outcome it is; a
# test that would hang is stopped at its deadline.

load helpers

# Each of these runs a whole lab's tests, in a clone: more than one test's
# usual deadline (read by the helpers' watchdog).
# shellcheck disable=SC2034
TEST_DEADLINE=600

# student_clone : a fresh clone of the committed suite in $CLONE, sharing
# this checkout's bats (node_modules), with nothing built yet.
student_clone() {
  CLONE=$BATS_TEST_TMPDIR/clone
  git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1 || skip "needs a git checkout"
  git clone -q "$ROOT" "$CLONE"
  # Never npm ci in the clone: through the link it would empty this
  # checkout's node_modules under the running tests.
  : >"$CLONE/.npm-ci-failed"
  [[ -d $ROOT/node_modules ]] && ln -s "$ROOT/node_modules" "$CLONE/node_modules"
  [[ -e $CLONE/.npm-ci-failed ]]
  # The test tools, as built here (the clone's sources are newer).
  local tool
  for tool in "$TESTS_DIR"/tools/*; do
    [[ -x $tool && ! -d $tool ]] && cp "$tool" "$CLONE/tests/tools/"
  done
  return 0
}

# apply_lesson LAB NAME : change the clone's lab as lesson NAME does.
apply_lesson() {
  sed -n '/^--- /,$p' "$ROOT/tests/lessons/$1/$2.patch" | patch -s -d "$CLONE/labs/$1" -p1
}

@test "make check LAB=x on a changed lab tests it, skips its lessons, and names the exercise it matches" {
  student_clone
  apply_lesson udp-echo notes-buffer
  run env -u LESSON_LABS -u DEADLINE -u FILTER -u LESSONS LAB=udp-echo timeout 550 "$CLONE/tests/run"
  assert_failure
  assert_line --index 0 "labs/udp-echo differs from the committed version (labs/udp-echo/server.c): the tests run on your programs."
  assert_line --partial "# tests/udp-echo.bats, on your labs/udp-echo ("
  assert_line "not ok 5 a 65507-byte datagram, the largest over IPv4, comes back whole"
  assert_line "labs/udp-echo: this is the outcome exercise 4 of handouts/02-udp-echo.md (lesson notes-buffer) predicts."
  assert_line --regexp '^lessons: [0-9]+ of labs/udp-echo skipped: they break the committed lab on purpose, and yours differs$'
  refute_line --partial "refresh it"
  refute_line --partial "mutants caught"
  assert_line "make check, all in all (tests and lessons):"
  assert_line --regexp '^[0-9]+ passed, 1 failed, [0-9]+ skipped$'
}

@test "a changed lab whose failing tests no exercise predicts gets the nearest exercise and the difference" {
  student_clone
  apply_lesson udp-echo notes-buffer
  # Besides the exercise's change, a client that never waits for a reply.
  sed -i 's/#define DEFAULT_TIMEOUT_MS [0-9]*/#define DEFAULT_TIMEOUT_MS 0/' "$CLONE/labs/udp-echo/client.c"
  grep -q 'DEFAULT_TIMEOUT_MS 0' "$CLONE/labs/udp-echo/client.c" || skip "udp-echo's client has no DEFAULT_TIMEOUT_MS"
  run env -u LESSON_LABS -u DEADLINE -u FILTER -u LESSONS LAB=udp-echo timeout 550 "$CLONE/tests/run"
  assert_failure
  assert_line --index 0 "labs/udp-echo differs from the committed version (labs/udp-echo/client.c labs/udp-echo/server.c): the tests run on your programs."
  assert_line "labs/udp-echo: the failing tests are not what any exercise predicts; the nearest is exercise 4 of handouts/02-udp-echo.md (lesson notes-buffer):"
  assert_line "  failing, though it predicts they pass:"
}

@test "a test that runs past its deadline fails, and nothing it started is left running" {
  # (printf, not a here-document: Debian's bats 1.8.2 rewrites a line that
  # starts with @test even inside one)
  printf '%s\n' "load $TESTS_DIR/helpers" '@test "a program that never ends" {' '  sleep 1000' '}' \
    >"$BATS_TEST_TMPDIR/hang.bats"
  run env TEST_DEADLINE=1 timeout 60 "$BATS" --tap "$BATS_TEST_TMPDIR/hang.bats"
  assert_failure
  assert_line "not ok 1 a program that never ends"
  assert_line "# this test ran past its deadline of 1 s (TEST_DEADLINE): every program it started was killed"
  refute pgrep -f 'sleep 1000'
}
