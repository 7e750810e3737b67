#!/usr/bin/env bats
# The build (labs/lab.mk, Makefile): the user's own CFLAGS and friends are
# welcome, the flags file changes only when a build runs, make demo LAB=x
# plays one lab, and the licence is there.

load helpers

# A scratch copy of what one lab's build needs, so these tests never touch
# the programs the other tests run.
scratch_copy() {
  SCRATCH="$BATS_TEST_TMPDIR/repo"
  mkdir -p "$SCRATCH/labs"
  cp -R "$ROOT/common" "$SCRATCH/"
  cp "$ROOT/labs/lab.mk" "$SCRATCH/labs/"
  for lab in "$@"; do
    cp -R "$ROOT/labs/$lab" "$SCRATCH/labs/"
    make -s -C "$SCRATCH/labs/$lab" clean >/dev/null
  done
}

@test "make CFLAGS=-O0 builds a lab and keeps the flags the build needs" {
  scratch_copy tcp-echo
  run make -C "$SCRATCH/labs/tcp-echo" CFLAGS=-O0 CPPFLAGS=-DLAB_TEST=1 LDFLAGS=-g
  assert_success
  line=$(grep -- ' -o server server\.c' <<<"$output")
  for flag in -O0 -DLAB_TEST=1 -std=c11 -D_POSIX_C_SOURCE=200809L "-I[^ ]*common" -Wall; do
    [[ $line =~ (^| )$flag( |$) ]] || fail "no $flag in: $line"
  done
  refute_output --partial -O2
  [[ -x $SCRATCH/labs/tcp-echo/server && -x $SCRATCH/labs/tcp-echo/client ]]
}

@test "make -n and make with unchanged flags leave the flags file alone" {
  scratch_copy tcp-echo
  make -s -C "$SCRATCH/labs/tcp-echo" >/dev/null
  flags="$SCRATCH/labs/tcp-echo/.build-flags"
  before=$(stat -c '%y' "$flags")
  content=$(cat "$flags")
  run make -n -C "$SCRATCH/labs/tcp-echo" CFLAGS=-O1
  assert_success
  assert_equal "$(stat -c '%y' "$flags")" "$before"
  assert_equal "$(cat "$flags")" "$content"
  # Nothing changed: nothing is rebuilt, and the file keeps its time.
  run make -C "$SCRATCH/labs/tcp-echo"
  refute_output --partial " -o server "
  assert_equal "$(stat -c '%y' "$flags")" "$before"
  # New flags: the file changes and both programs are rebuilt with them.
  run make -C "$SCRATCH/labs/tcp-echo" CFLAGS=-O1
  assert_output --regexp " -O1 .* -o server server\.c"
  assert_output --regexp " -O1 .* -o client client\.c"
  grep -q -- -O1 "$flags"
}

@test "a threaded lab is built with -pthread once" {
  scratch_copy threads
  run make -n -C "$SCRATCH/labs/threads"
  assert_success
  line=$(grep -- '-o server server\.c' <<<"$output")
  [[ $(grep -o -- '-pthread' <<<"$line" | wc -l) -eq 1 ]]
}

@test "make demo LAB=reaper plays the reaper's sessions and no other lab's" {
  run make -s -C "$ROOT" demo LAB=reaper
  assert_success
  assert_output --regexp "=== Lab [0-9]+: reaper"
  [[ $(grep -c '=== Lab' <<<"$output") -eq 1 ]]
}

@test "the licence is the MIT licence that package.json names" {
  grep -q '"license": "MIT"' "$ROOT/package.json"
  run head -n 3 "$ROOT/LICENSE"
  assert_line --index 0 "MIT License"
  assert_line --index 1 "Copyright (c) 2026 The socket-labs authors"
}
