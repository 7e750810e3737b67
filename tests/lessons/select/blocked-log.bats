#!/usr/bin/env bats
# Lesson: exercise 5
# Says: a log nobody reads: once the pipe on the server's stdout is full, printf blocks the loop and no client is echoed
#
# Exercise 5 of handouts/06-select.md, on the lab as it is, with the
# handout's own commands: the server's stdout is a pipe that nobody reads
# after the first line.

load ../../helpers

# in_pipe_write : the handout's cat /proc/P/wchan names the kernel function a
# blocked write to a full pipe sleeps in: pipe_write (anon_pipe_write on
# recent kernels, 6.18 here).
in_pipe_write() { [[ $(bash -c "$WCHAN" 2>/dev/null) == *pipe_write ]]; }

@test "a full log pipe stalls every client until the server is stopped" {
  run_server=$(handout_command 06-select.md blocked-log './server | ')
  connections=$(handout_command 06-select.md blocked-log 'for i in $(seq 1500)')
  WCHAN=$(handout_command 06-select.md blocked-log 'cat /proc/P/wchan')
  handout_substitute run_server './server |' "'$LABS/select/server' 0 |"
  # Its own process group (spawn), as a terminal's job: Ctrl-C reaches both.
  spawn /dev/null "$BATS_TEST_TMPDIR/terminal" "$BATS_TEST_TMPDIR/server.err" bash -c "$run_server"
  job=$SPAWNED_PID
  eventually file_has "$BATS_TEST_TMPDIR/terminal" '^listening on '
  first=$(cat "$BATS_TEST_TMPDIR/terminal")
  [[ $first =~ ^listening\ on\ 127\.0\.0\.1\ port\ ([0-9]+)\ \(pid\ ([0-9]+)\)$ ]]
  port=${BASH_REMATCH[1]} server=${BASH_REMATCH[2]}
  handout_substitute connections /5400 "/$port"
  handout_substitute WCHAN /P/ "/$server/"
  start_client A select 127.0.0.1 "$port"
  send_line A "before"
  eventually file_has "$BATS_TEST_TMPDIR/A.out" '^before$'
  # Each connection logs two lines; 1500 of them are more than a pipe holds.
  timeout 60 bash -c "$connections"
  eventually in_pipe_write
  send_line A "stuck"
  not_within 1000 file_has "$BATS_TEST_TMPDIR/A.out" '^stuck$'
  # Ctrl-C in the server's terminal ends both; A's line was never read.
  kill -INT -- "-$job"
  eventually not is_running "$server"
  client_exits A
  assert_equal "$CLIENT_STATUS" 1
  run cat "$BATS_TEST_TMPDIR/A.err"
  assert_output "client: receive: Connection reset by peer"
}
