# shellcheck source=tests/scenes/tcp-echo/capture.bash
source "$ROOT/tests/scenes/tcp-echo/capture.bash"
say "Watch the datagrams, then the ICMP answer when nobody listens."
server
capture_start 'udp port $PORT or icmp'
show "printf 'hello\n' | ./client 127.0.0.1 \$PORT"
server_log ': 5 bytes$'
capture_packets 2
say "Now stop the server and send again: the kernel answers with ICMP."
stop
show "printf 'hello?\n' | ./client 127.0.0.1 \$PORT; echo \"exit status \$?\""
capture_packets 4
# Only this lab's packets: other programs' ICMP messages may pass on lo too.
capture_stop "/\\.$PORT[: ]|udp port $PORT /!d"
