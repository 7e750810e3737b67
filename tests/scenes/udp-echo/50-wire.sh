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
# The clients' ports, in the order they appear, shown as 50001 and 50002.
n=50001
for p in $(sed -n 's/^IP 127\.0\.0\.1\.\([0-9]*\) > .*: UDP.*/\1/p' "$SCENE_TMP/wire.out" | grep -vx "$PORT" | uniq); do
  mask "$p" "$n"
  n=$((n + 1))
done
# Only this lab's packets: other programs' ICMP messages may pass on lo too.
capture_stop "/\\.${PORT}[: ]|udp port ${PORT} /!d"
