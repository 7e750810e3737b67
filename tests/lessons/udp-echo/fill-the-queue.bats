#!/usr/bin/env bats
# Lesson: exercise 3
# Says: to a stopped server, 1000 datagrams: ss's d (dropped) plus the datagrams logged after fg is exactly 1000

load ../../helpers

# queue_is_empty : the server's socket holds no datagram (ss's Recv-Q is 0).
queue_is_empty() { [[ $(ss -Hunl "( sport = :$SERVER_PORT )" | awk '{ print $2 }') == 0 ]]; }

@test "dropped (ss -uanm's d) plus echoed after the thaw is 1000" {
  # The handout's commands, on this test's client, port and log (start_server
  # sends the server's output to $SERVER_OUT, as ./server > server.log does).
  send=$(handout_command 02-udp-echo.md fill-the-queue 'seq 1000 ')
  ss=$(handout_command 02-udp-echo.md fill-the-queue 'ss ')
  count=$(handout_command 02-udp-echo.md fill-the-queue 'grep -c ')
  start_server udp-echo
  handout_substitute send ./client "timeout 60 '$LABS/udp-echo/client'"
  handout_substitute send ' -t 1 ' " -t 1 127.0.0.1 $SERVER_PORT "
  handout_substitute ss :5000 ":$SERVER_PORT"
  handout_substitute count server.log "'$SERVER_OUT'"
  kill -STOP "$SERVER_PID" # Ctrl-Z in the server's terminal
  eventually state_is "$SERVER_PID" T
  bash -c "$send" >/dev/null || true
  skmem=$(bash -c "$ss")
  [[ $skmem =~ ,d([0-9]+)\) ]]
  dropped=${BASH_REMATCH[1]}
  ((dropped > 0)) # the queue did fill up
  kill -CONT "$SERVER_PID" # fg
  eventually queue_is_empty
  stop_server INT
  logged=$(bash -c "$count")
  assert_equal "$((dropped + logged))" 1000
}
