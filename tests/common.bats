#!/usr/bin/env bats
# common/labs.h: the header every lab shares. Its messages come out whole,
# a forked child that dies does not print its parent's output again,
# write_all gives up on a write that makes no progress, read_exactly counts
# what arrived before a failure, and its name is one
# no system header shadows.

# shellcheck disable=SC2154 # stderr is set by run --separate-stderr

load helpers

PROBE="$TESTS_DIR/tools/header-probe"

@test "warnings from two threads at once come out as whole lines" {
  run --separate-stderr "$PROBE" lines 20000
  assert_success
  [[ $(wc -l <<<"$stderr") -eq 40000 ]]
  # Any line cut by the other thread's message fails to match.
  run grep -cvE '^header-probe: writer [AB], warning [0-9]+ of 20000, a line that must stay whole: Resource temporarily unavailable$' <<<"$stderr"
  assert_output "0"
}

@test "a child that dies after exit_after_fork() does not print its parent's buffered output again" {
  # stdout is a file here, so the parent's line is still in its buffer at fork.
  run --separate-stderr "$PROBE" fork-die
  assert_success
  assert_output $'the parent\'s line, printed before fork and not flushed\nthe child exited with status 1'
  assert_equal "$stderr" "header-probe: the child gives up"
}

@test "write_all reports a write that returns 0 as an error instead of looping" {
  # No descriptor makes write() return 0 on demand, so strace makes the
  # kernel's answer to the client's first write (its send) 0: a real
  # system call with a real result, nothing in the program replaced.
  command -v strace >/dev/null || skip "strace is not installed"
  strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not allowed)"
  start_server tcp-echo
  # LeakSanitizer cannot work under ptrace (SANITIZE=address builds).
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" run --separate-stderr timeout 20 strace -o "$BATS_TEST_TMPDIR/trace" -e trace=write \
    -e inject=write:retval=0:when=1 "$LABS/tcp-echo/client" 127.0.0.1 "$SERVER_PORT" <<<"hello"
  assert_failure 1
  assert_equal "$stderr" "client: send: Input/output error"
  # One write to the socket, the injected one: no second try, no loop.
  run grep -c '"hello\\n"' "$BATS_TEST_TMPDIR/trace"
  assert_output "1"
}

@test "read_exactly says how many bytes arrived, at end of file and when a later read fails" {
  run --separate-stderr "$PROBE" read-exactly
  assert_success
  assert_output $'end of file: returned 0 (no error), got 3: abc\na failed read: returned -1 (Resource temporarily unavailable), got 3: abc'
}

@test "a lab built without -I stops at once, naming the missing labs.h" {
  cd "$ROOT"
  for source in labs/*/*.c; do
    run cc -std=c11 -D_POSIX_C_SOURCE=200809L -fsyntax-only "$source"
    assert_failure
    # gcc: "labs.h: No such file or directory"; clang: "'labs.h' file not found"
    assert_output --regexp "labs\.h'?:? (No such file or directory|file not found)"
    # ...and nothing else: the first error stops the compiler
    [[ $(grep -c 'error' <<<"$output") -eq 1 ]]
  done
}

@test "no header in the system's include path shadows the shared header's name" {
  cd "$BATS_TEST_TMPDIR"
  printf '#include <labs.h>\n' >probe.c
  run cc -fsyntax-only probe.c
  assert_failure
}
