# shellcheck shell=bash disable=SC2016
# (lib.bash expands $PORT in the commands it shows and runs)
say "One server, two clients connected at the same time: both are served."
server
client A localhost '$PORT'
typed A "first"
client_log A '^first$'
server_log '^connection from'
client B localhost '$PORT'
typed B "second"
client_log B '^second$'
server_log '^connection from'
say "A is still connected and still served: no one waits for anyone."
typed A "A again"
client_log A '^A again$'
say "Yet the server is a single thread: /proc lists one task."
show 'ls /proc/$SERVER_PID/task | wc -l'
finish A
server_log 'closed$'
finish B
server_log 'closed$'
say "On piped input the client sends everything, half-closes at the end of"
say "input, and prints the replies still on their way before it exits."
show "seq 3 | ./client localhost \$PORT"
server_log 'closed$'
stop
