say "The server starts with one thread: the main thread, blocked in accept()."
server
show "grep Threads /proc/\$SERVER_PID/status"
say "Terminal A connects and stays connected."
client A localhost "\$PORT"
typed A "from A"
client_log A '^from A$'
server_log '^client #1 '
say "B connects while A is still there, and is served at once: a thread each."
client B localhost "\$PORT"
typed B "from B"
client_log B '^from B$'
server_log '^client #2 '
client C localhost "\$PORT"
typed C "from C"
client_log C '^from C$'
server_log '^client #3 '
say "Three clients, three client threads, plus the main thread."
show "grep Threads /proc/\$SERVER_PID/status"
say "Each thread ends when its client leaves; the active count goes down."
finish B
server_log '^client #2 left'
finish A
server_log '^client #1 left'
finish C
server_log '^client #3 left'
await "grep -q 'Threads:.1\$' /proc/\$SERVER_PID/status" "the server to be down to its main thread"
show "grep Threads /proc/\$SERVER_PID/status"
stop
