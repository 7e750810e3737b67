#!/usr/bin/env bats
# Lesson: exercise 5
# Says: a log nobody reads: once the pipe on the server's stdout is full, printf blocks the loop and no client is echoed
#
# Exercise 5 of handouts/06-select.md, on the lab as it is: the server's
# stdout is a pipe (a FIFO here) that nobody reads after the first line.

load ../../helpers

# The kernel function a blocked write to a full pipe sleeps in: pipe_write
# (anon_pipe_write on recent kernels, 6.18 here).
in_pipe_write() { [[ $(cat "/proc/$1/wchan" 2>/dev/null) == *pipe_write ]]; }

@test "a full log pipe stalls every client until somebody reads it" {
  log="$BATS_TEST_TMPDIR/log"
  mkfifo "$log"
  exec {logfd}<>"$log" # held open, read only when the test says so
  spawn /dev/null "$log" "$BATS_TEST_TMPDIR/server.err" "$LABS/select/server" 0
  server=$SPAWNED_PID
  read -r -t "$DEADLINE" first <&"$logfd"
  [[ $first =~ ^listening\ on\ 127\.0\.0\.1\ port\ ([0-9]+)\ \(pid\ $server\)$ ]]
  port=${BASH_REMATCH[1]}
  start_client A select 127.0.0.1 "$port"
  send_line A "before"
  eventually file_has "$BATS_TEST_TMPDIR/A.out" '^before$'
  # Each connection logs two lines; 1500 of them are more than a pipe holds.
  for _ in $(seq 1500); do
    exec {sock}<>"/dev/tcp/127.0.0.1/$port"
    exec {sock}>&-
  done
  eventually in_pipe_write "$server"
  send_line A "stuck"
  not_within 1000 file_has "$BATS_TEST_TMPDIR/A.out" '^stuck$'
  # Somebody reads the log: the loop goes on, and A gets its echo.
  spawn "$log" /dev/null /dev/null cat
  eventually file_has "$BATS_TEST_TMPDIR/A.out" '^stuck$'
  kill -TERM "$server"
  eventually not is_running "$server"
  wait "$server"
}
