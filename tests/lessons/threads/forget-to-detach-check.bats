#!/usr/bin/env bats
# Exercise 2 of handouts/05-threads.md, on the lab with joinable threads:
# the server runs with MALLOC_ARENA_MAX=1 (as the handout says) and each
# round of "seq 3 | ./client -t 100" leaves 100 stacks behind.

load ../../helpers

vm_size_kb() { awk '/^VmSize:/ { print $2 }' "/proc/$SERVER_PID/status"; }
threads_are() { [[ $(thread_count "$SERVER_PID") == "$1" ]]; }
left_count_is() { [[ $(count_lines "$SERVER_OUT" '^client #[0-9]+ left') == "$1" ]]; }

@test "each round of 100 clients grows VmSize by 100 stacks, and Threads is back to 1" {
  grep -q -- -fsanitize "$LABS/threads/.build-flags" && skip "a sanitizer build has an allocator of its own"
  MALLOC_ARENA_MAX=1 start_server threads
  sizes=()
  for round in 1 2 3; do
    run timeout 60 "$LABS/threads/client" -t 100 127.0.0.1 "$SERVER_PORT" < <(seq 3)
    assert_success
    eventually left_count_is $((round * 100))
    eventually threads_are 1
    sizes+=("$(vm_size_kb)")
  done
  # A thread's stack is at least 64 KiB, plus a 4 KiB guard page.
  for i in 1 2; do
    grown=$((sizes[i] - sizes[i - 1]))
    echo "round $((i + 1)): VmSize grew by $grown kB" >&2
    ((grown >= 100 * 68))
  done
}
