#!/usr/bin/env bats
# Lesson: exercise 3
# Says: to a stopped server, 1000 datagrams: ss's d (dropped) plus the datagrams logged after fg is exactly 1000

load ../../helpers

# queue_is_empty : the server's socket holds no datagram (ss's Recv-Q is 0).
queue_is_empty() { [[ $(ss -Hunl "( sport = :$SERVER_PORT )" | awk '{ print $2 }') == 0 ]]; }

@test "dropped (ss -uanm's d) plus echoed after the thaw is 1000" {
  start_server udp-echo
  kill -STOP "$SERVER_PID" # Ctrl-Z in the server's terminal
  eventually state_is "$SERVER_PID" T
  seq 1000 | timeout 60 "$LABS/udp-echo/client" -t 1 127.0.0.1 "$SERVER_PORT" >/dev/null 2>&1 || true
  skmem=$(ss -Huanm "( sport = :$SERVER_PORT )")
  [[ $skmem =~ ,d([0-9]+)\) ]]
  dropped=${BASH_REMATCH[1]}
  ((dropped > 0)) # the queue did fill up
  kill -CONT "$SERVER_PID" # fg
  eventually queue_is_empty
  stop_server INT
  logged=$(grep -c ' bytes$' "$SERVER_OUT")
  assert_equal "$((dropped + logged))" 1000
}
