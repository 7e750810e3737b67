#!/usr/bin/env bats
# The sources keep the project's style: clang-format for C, shellcheck for
# the shell scripts (STYLE.md). Skipped where the tool is not installed.

load helpers

@test "the C sources are formatted by .clang-format (make format)" {
  command -v clang-format >/dev/null || skip "clang-format is not installed"
  cd "$ROOT"
  shopt -s nullglob
  run clang-format --dry-run --Werror common/*.h labs/*/*.c tests/tools/*.c tests/bench/*.c
  assert_success
}

@test "the shell scripts pass shellcheck" {
  command -v shellcheck >/dev/null || skip "shellcheck is not installed"
  cd "$ROOT"
  shopt -s nullglob
  scripts=(tests/run tests/play tests/idle-cost tests/valgrind-session tests/platforms .ci/run
    tests/fresh-machine
    tests/lessons/run tests/lessons/outcome tests/lessons/refresh tests/lessons/*/*.bats
    tests/*.bash tests/*.bats tests/scenes/*.bash tests/scenes/*/*.sh tests/scenes/*/*.bash
    tests/lecture/run tests/lecture/driver tests/lecture/view tests/lecture/*.bash tests/lecture/shellrc
    tests/grade/grade tests/grade/sandbox tests/grade/run_autograder tests/grade/testlib.bash)
  [[ -f tests/bench/run ]] && scripts+=(tests/bench/run tests/bench/profile tests/bench/anchors)
  run shellcheck -S warning -s bash "${scripts[@]}"
  assert_success
}
