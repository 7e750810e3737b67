say "Ctrl-C while two clients are connected: the process ends, and every"
say "thread with it; the kernel closes all their connections."
server
client A localhost "\$PORT"
typed A "hello"
client_log A '^hello$'
server_log '^client #1 '
client B localhost "\$PORT"
typed B "hello"
client_log B '^hello$'
server_log '^client #2 '
stop
say "The clients' ends are in CLOSE-WAIT: the other end has closed, this one"
say "not yet. A and B are blocked reading the keyboard and have not noticed."
await "[[ \$(ss -Htn state close-wait \"( dport = :\$PORT )\" | wc -l) == 2 ]]" "both clients' ends to reach CLOSE-WAIT"
show "ss -Htn \"( dport = :\$PORT )\" | awk '{ print \$1, \$5 }'"
finish A
finish B
