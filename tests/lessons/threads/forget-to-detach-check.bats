#!/usr/bin/env bats
# Exercise 2 of handouts/05-threads.md, on the lab with joinable threads:
# the handout's own commands. The server runs as MALLOC_ARENA_MAX=1
# ./server -q, and each round of "seq 3 | ./client -t 100 >/dev/null" leaves
# 100 stacks behind, which grep -E 'VmSize|Threads' /proc/P/status shows.

load ../../helpers

# status_field NAME : its number in the handout's grep of /proc/P/status.
status_field() { bash -c "$LOOK" | awk -v name="$1:" '$1 == name { print $2 }'; }
threads_are() { [[ $(status_field Threads) == "$1" ]]; }

@test "each round of 100 clients grows VmSize by 100 stacks, and Threads is back to 1" {
  grep -q -- -fsanitize "$LABS/threads/.build-flags" && skip "a sanitizer build has an allocator of its own"
  server=$(handout_command 05-threads.md forget-to-detach 'MALLOC_ARENA_MAX=1 ./server')
  round=$(handout_command 05-threads.md forget-to-detach 'seq 3 ')
  LOOK=$(handout_command 05-threads.md forget-to-detach 'grep -E ')
  read -r -a words <<<"$server"
  [[ ${words[0]} == MALLOC_ARENA_MAX=1 && ${words[1]} == ./server ]]
  MALLOC_ARENA_MAX=1 start_server threads "${words[@]:2}"
  handout_substitute round ./client "timeout 60 '$LABS/threads/client'"
  handout_substitute round ' -t 100 ' " -t 100 127.0.0.1 $SERVER_PORT "
  handout_substitute LOOK /P/ "/$SERVER_PID/"
  sizes=()
  for _ in 1 2 3; do
    run bash -c "$round"
    assert_success
    eventually threads_are 1
    sizes+=("$(status_field VmSize)")
  done
  # A thread's stack is at least 64 KiB, plus a 4 KiB guard page.
  for i in 1 2; do
    grown=$((sizes[i] - sizes[i - 1]))
    echo "round $((i + 1)): VmSize grew by $grown kB" >&2
    ((grown >= 100 * 68))
  done
}
