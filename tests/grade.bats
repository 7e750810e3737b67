#!/usr/bin/env bats
# make grade (tests/grade/): a small class of tcp-echo submissions made from
# the lab itself (the committed lab, two lesson mutants, one that does not
# compile, one that writes outside its folder and leaves a process behind)
# is graded with JOBS=2; each grade is what its code earns, the outputs are
# well-formed, and nothing escaped the sandbox or was left running. (The
# hostile submissions and run_autograder: tests/grade-sandbox.bats, a file of
# its own so that the two run side by side.)

load helpers
load grade/testlib

# The uids of this file's sandboxes (see grade_processes).
export GRADE_UID_BASE=1500000000

@test "make grade grades a class: the lab, each of its lesson mutants, one that does not build, one that writes outside" {
  local tool missing=()
  for tool in zip unzip; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  command -v xmllint >/dev/null || command -v python3 >/dev/null || missing+=("xmllint (libxml2-utils) or python3")
  ((${#missing[@]} == 0)) || skip "a class with a .zip and JUnit XML to check needs ${missing[*]}"
  submission lab
  cp -R "$CLASS_SRC/lab" "$CLASS/lab"
  # one-write, under labs/tcp-echo/ in a .tar.gz, with a changed common/labs.h
  # and a test file of its own (both ignored and reported).
  mkdir -p "$CLASS_SRC/one-write-tree/labs" "$CLASS_SRC/one-write-tree/common" "$CLASS_SRC/one-write-tree/tests"
  submission one-write-tree/labs/tcp-echo one-write
  echo '#error the grader used my labs.h' >"$CLASS_SRC/one-write-tree/common/labs.h"
  echo '@test "always" { true; }' >"$CLASS_SRC/one-write-tree/tests/tcp-echo.bats"
  tar -czf "$CLASS/one-write.tar.gz" -C "$CLASS_SRC/one-write-tree" .
  # no-sigpipe-ignore, in a folder inside a .zip, with a Makefile of its own.
  mkdir -p "$CLASS_SRC/zip"
  submission zip/no-sigpipe no-sigpipe-ignore
  printf 'server client:\n\techo my own rules >/tmp/%s\n' "$TOKEN" >"$CLASS_SRC/zip/no-sigpipe/Makefile"
  (cd "$CLASS_SRC/zip" && zip -qr "$CLASS/no-sigpipe.zip" no-sigpipe)
  # one-read (the client's mistake), a plain folder.
  submission one-read one-read
  cp -R "$CLASS_SRC/one-read" "$CLASS/one-read"
  submission broken
  printf 'this is not C;\n' >>"$CLASS_SRC/broken/server.c"
  cp -R "$CLASS_SRC/broken" "$CLASS/broken"
  # Writes into the project, the home folder, the shared temporary folders,
  # another submission and OUT; leaves a process that ignores SIGTERM and
  # SIGHUP in a session of its own, as a daemon does (its output on
  # /dev/null); then serves as the lab does.
  local targets=("$ROOT/$TOKEN" "$ROOT/labs/tcp-echo/server.c" "${HOME:-/nonexistent}/$TOKEN"
    "/tmp/$TOKEN" "/var/tmp/$TOKEN" "/dev/shm/$TOKEN" "$CLASS/lab/server.c" "$OUT/$TOKEN")
  local list
  list=$(printf '"%s", ' "${targets[@]}")
  hostile escape "    static const char *const targets[] = { ${list%, } };
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        int fd = open(targets[i], O_WRONLY | O_CREAT | O_APPEND, 0666);
        if (fd >= 0) {
            if (write(fd, \"escaped\\n\", 8) < 0) {}
            close(fd);
        }
    }
    if (fork() == 0) {
        int null = open(\"/dev/null\", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        setsid();
        signal(SIGTERM, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        for (;;) pause();
    }"
  cp -R "$CLASS_SRC/escape" "$CLASS/escape"
  project_sum=$(cat "$ROOT"/labs/tcp-echo/*.c "$ROOT/common/labs.h" "$ROOT/tests/tcp-echo.bats" | cksum)
  lab_sum=$(cksum <"$CLASS/lab/server.c")

  # (A failing test waits 5 s, not 10, for what never comes: GRADE_TEST_DEADLINE.)
  GRADE_TEST_DEADLINE=5 run --separate-stderr timeout -k 5 800 make -s -C "$ROOT" grade LAB=tcp-echo SUBMISSIONS="$CLASS" OUT="$OUT" JOBS=2
  assert_success
  # The summary: a row per student, the hardest test first, the build error.
  assert_line '| lab | ok | 27 | 0 | 0 | 27 / 27 |'
  assert_line --regexp '^\| broken \| failed \| 0 \| 27 \| 0 \| 0 / 27 \|$'
  assert_line --regexp "^- broken: \`server.c:[0-9]+:[0-9]+: error: "
  hardest=$(sed -n '/^| test | passed by |$/ { n; n; p; q; }' <<<"$output")
  [[ $hardest =~ ^\|\ (an\ echo\ held\ up|a\ client\ that\ leaves\ before|a\ reply\ that\ arrives|a\ 1\ MiB\ line).*\ \|\ 4\ of\ 6\ \|$ ]] || fail "hardest: $hardest"

  assert_equal "$(head -n 1 "$OUT/grades.csv")" "student,build,warnings,passed,failed,flaky,skipped,score,max_score"
  assert_equal "$(wc -l <"$OUT/grades.csv")" 7
  assert_equal "$(csv_row lab | cut -d, -f2,4,5,8,9)" "ok,27,0,27,27"
  assert_equal "$(csv_row broken | cut -d, -f2,4,5,8,9)" "failed,0,27,0,27"
  # A mutant fails the test its lesson names, and that one only; a flaky
  # result would count as passed.
  for mutant in one-write no-sigpipe; do
    assert_equal "$(csv_row "$mutant" | cut -d, -f5,8,9)" "1,26,27"
  done
  # one-read fails its lesson's test and one more of the whole file (a
  # mutant's lesson runs only the tests it names): a client that takes what
  # one read() gives does not notice the server die in the middle.
  assert_equal "$(csv_row one-read | cut -d, -f5,8,9)" "2,25,27"
  grep -q 'name="a reply that arrives a byte at a time is printed whole"><failure' "$OUT/one-read/junit.xml"
  grep -q 'name="the client says so when the server dies in the middle"><failure' "$OUT/one-read/junit.xml"
  grep -q '<failure' "$OUT/one-write/junit.xml"
  [[ $(grep -c '<failure' "$OUT/one-write/junit.xml") == 1 ]]
  grep -B1 '<failure' "$OUT/one-write/junit.xml" | grep -q 'name="an echo held up while the server is stopped'
  grep -q 'name="a client that leaves before its echo is written does not kill the server"><failure' "$OUT/no-sigpipe/junit.xml"
  # What a student sends beyond the lab's sources is ignored, and said so.
  grep -qx 'ignored: common/labs.h' "$OUT/one-write/log.txt"
  grep -qx 'ignored: tests/tcp-echo.bats' "$OUT/one-write/log.txt"
  grep -q '^ignored: Makefile (differs' "$OUT/no-sigpipe/log.txt"
  grep -q "error: " "$OUT/broken/log.txt"
  # The one that wrote outside its folder earned every point, and escaped nowhere.
  assert_equal "$(csv_row escape | cut -d, -f4,8,9)" "27,27,27"
  for target in "${targets[@]}"; do
    [[ $target == */server.c ]] && continue
    [[ ! -e $target ]] || fail "a submission wrote $target"
  done
  assert_equal "$(cat "$ROOT"/labs/tcp-echo/*.c "$ROOT/common/labs.h" "$ROOT/tests/tcp-echo.bats" | cksum)" "$project_sum"
  assert_equal "$(cksum <"$CLASS/lab/server.c")" "$lab_sum"
  assert_equal "$(grade_processes)" ""
  # Every student's results, well-formed.
  for student in lab one-write no-sigpipe one-read broken escape; do
    valid_json "$OUT/$student/results.json"
    valid_xml "$OUT/$student/junit.xml"
    [[ -s $OUT/$student/log.txt ]]
  done
  grep -q '"score": 26,' "$OUT/one-write/results.json"
  grep -q '"status": "failed"' "$OUT/one-write/results.json"
}
