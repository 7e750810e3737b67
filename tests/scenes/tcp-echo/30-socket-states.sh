say "Every TCP socket has a state; ss shows them (the notes use netstat)."
server
show "ss -Htln \"( sport = :\$PORT )\" | awk '{ print \$1, \$4, \$5 }'"
say "One client connected: one ESTAB socket at each end of the connection."
client A localhost '$PORT'
typed A "hi"
client_log A '^hi$'
server_log '^connection from'
show "ss -Htn \"( sport = :\$PORT )\" | awk '{ print \$1, \$4, \$5 }'"
show "ss -Htn \"( dport = :\$PORT )\" | awk '{ print \$1, \$4, \$5 }'"
say "The client closes first, so its end waits in TIME-WAIT for a while."
finish A
server_log 'closed$'
# A's port, from the server's log: other connections that once used one of
# these port numbers may still linger in TIME-WAIT; show only A's, named by
# both of its ports.
A_PORT=$(sed -n 's/^connection from .* port \([0-9]*\)$/\1/p' "$SCENE_TMP/server.out")
await "ss -Htan state time-wait \"( sport = :$A_PORT and dport = :\$PORT )\" | grep -q ." "A's end of the connection to reach TIME-WAIT"
show "ss -Htan \"( sport = :$A_PORT and dport = :\$PORT )\" | awk '{ print \$1, \$4, \$5 }'"
stop
