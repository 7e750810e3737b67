say "The same fork-per-connection server, but it reaps each child that ends."
server
client A localhost '$PORT'
typed A "hello"
client_log A '^hello$'
server_log '^child pid .* serves'
say "A leaves: its child exits, SIGCHLD arrives, the handler reaps it."
finish A
server_log 'reaped child pid'
say "No zombie is left: ps lists no child of the server."
await "[ -z \"\$(ps -o pid= --ppid \$SERVER_PID)\" ]" "the server to have no child left"
show "ps -o pid,ppid,stat,cmd --ppid \$SERVER_PID | awk '{ \$1 = \$1; print }'"
stop
