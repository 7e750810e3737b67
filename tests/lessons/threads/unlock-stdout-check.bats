#!/usr/bin/env bats
# Exercise 4 of handouts/05-threads.md, on the client without flockfile():
# lines printed by eight threads come out cut and mixed.

load ../../helpers

@test "without the stdout lock, some lines of client -t 8 come out mixed" {
  # The handout's server and pipeline: the count of mixed lines.
  server=$(handout_command 05-threads.md unlock-stdout './server ')
  count=$(handout_command 05-threads.md unlock-stdout 'seq 2000 ')
  read -r -a words <<<"$server"
  start_server threads "${words[@]:1}"
  handout_substitute count ' -t 8 ' " -t 8 127.0.0.1 $SERVER_PORT "
  handout_substitute count ./client "timeout 60 '$LABS/threads/client'"
  mixed=$(bash -c "$count" || true)
  echo "mixed lines: $mixed" >&2
  ((mixed > 0))
}
