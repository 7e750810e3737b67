say "Every TCP socket has a state; ss shows them (the notes use netstat)."
server
show "ss -Htan \"( sport = :\$PORT or dport = :\$PORT )\" | awk '{ print \$1, \$4, \$5 }'"
say "One client connected: one ESTAB socket at each end of the connection."
client A localhost '$PORT'
typed A "hi"
client_log A '^hi$'
server_log '^connection from'
show "ss -Htan \"( sport = :\$PORT )\" | awk '{ print \$1, \$4, \$5 }'"
show "ss -Htan \"( dport = :\$PORT )\" | awk '{ print \$1, \$4, \$5 }'"
say "The client closes first, so its end waits in TIME-WAIT for a while."
finish A
server_log 'closed$'
await "ss -Htan state time-wait \"( dport = :\$PORT )\" | grep -q ."
show "ss -Htan \"( dport = :\$PORT )\" | awk '{ print \$1, \$4, \$5 }'"
stop
