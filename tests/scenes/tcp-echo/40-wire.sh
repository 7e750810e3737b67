# shellcheck source=tests/scenes/tcp-echo/capture.bash
source "$ROOT/tests/scenes/tcp-echo/capture.bash"
say "Watch one connection's packets: handshake, data and ACKs, FIN."
server
capture_start 'tcp port $PORT'
show "printf 'hi\n' | ./client 127.0.0.1 \$PORT"
server_log 'closed$'
CLIENT_PORT=$(sed -n 's/^connection from .* port \([0-9]*\)$/\1/p' "$SCENE_TMP/server.out")
mask "$CLIENT_PORT" 50001
say "Ten packets: three for the handshake, four for the data and its ACKs,"
say "three to close. The client closed first: its end stays in TIME-WAIT."
capture_packets 10
# Trimmed: window sizes, TCP options (timestamps change every run) and the
# random initial sequence numbers of the handshake.
capture_stop 's/, win [0-9]+//; s/, options \[[^]]*\]//; s/(Flags \[S\.?\]), seq [0-9]+/\1/; s/(Flags \[S\.\]), ack [0-9]+/\1/'
await "ss -Htan state time-wait \"( sport = :$CLIENT_PORT and dport = :\$PORT )\" | grep -q ." "the client's end of the connection to reach TIME-WAIT"
show "ss -Htan \"( sport = :$CLIENT_PORT and dport = :\$PORT )\" | awk '{ print \$1, \$4, \$5 }'"
stop
