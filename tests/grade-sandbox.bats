#!/usr/bin/env bats
# make grade's sandbox against a fork bomb and a server that spins, and
# tests/grade/run_autograder against a fake Gradescope layout, graded as
# exercise 3. (The class: tests/grade.bats.)

load helpers
load grade/testlib

# The uids of this file's sandboxes (see grade_processes).
export GRADE_UID_BASE=1500100000

@test "make grade stops a fork bomb and a server that spins, and leaves nothing running" {
  hostile bomb "    if (fork() == 0)
        for (;;)
            fork();"
  hostile spin "    for (volatile unsigned long i = 0;; i++) {}"
  cp -R "$CLASS_SRC/bomb" "$CLASS_SRC/spin" "$CLASS/"
  local start=$SECONDS
  run --separate-stderr timeout -k 5 120 "$GRADE" LAB=tcp-echo SUBMISSIONS="$CLASS" OUT="$OUT" JOBS=2 \
    GRADE_SECONDS=20 GRADE_NPROC=200
  assert_success
  ((SECONDS - start < 70)) || fail "grading took $((SECONDS - start)) s"
  for student in bomb spin; do
    row=$(csv_row "$student")
    [[ $(cut -d, -f2 <<<"$row") == ok ]] || fail "$row"
    (($(cut -d, -f8 <<<"$row") < 27)) || fail "$student earned every point: $row"
    grep -q "the submission's 20 s" "$OUT/$student/log.txt" || fail "$student: $(head -c 3000 "$OUT/$student/log.txt")"
    valid_json "$OUT/$student/results.json"
  done
  assert_equal "$(grade_processes)" ""
}

@test "run_autograder grades one submission in a Gradescope layout, against exercise 3" {
  local root=$BATS_TEST_TMPDIR/autograder
  mkdir -p "$root/submission" "$root/results"
  CLASS_SRC=$root/submission
  submission . forget-sigpipe
  AUTOGRADER_ROOT=$root LAB=tcp-echo EXERCISE=3 GRADE_TEST_DEADLINE=5 run --separate-stderr timeout -k 5 300 "$ROOT/tests/grade/run_autograder"
  assert_success
  valid_json "$root/results/results.json"
  # 27 tests and the exercise's own check; the test the exercise breaks must fail.
  grep -q '"score": 28,' "$root/results/results.json" ||
    fail "not 28 points: $(grep -v '| 1 of 1 |$' <<<"$output" | head -c 4000)"
  grep -q '"name": "a client that leaves before its echo is written does not kill the server", "score": 1, "max_score": 1, "status": "passed", "output": "fails, as exercise 3 says it must"' "$root/results/results.json"
  grep -q '"name": "forget-sigpipe-check.bats: head -c 100000' "$root/results/results.json"
  assert_output --partial '| submission | ok | 28 | 0 | 0 | 28 / 28 |'
}
