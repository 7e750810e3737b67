# shellcheck shell=bash disable=SC2016,SC2012,SC2004
# (lib.bash expands $PORT in the commands it shows and runs)

refused() { grep -c '^refused' "$SCENE_TMP/server.out"; }

say "select() cannot watch a descriptor at or past FD_SETSIZE (1024)."
say "Allow the server more descriptors than that, then fill them all:"
run_in server 'ulimit -n 1100'
server -q
# The server's own descriptors are 0 to 6 (more if the scene's environment
# passed it some): the crowd is sized to need exactly 3 past 1023.
own=$(ls "/proc/$SERVER_PID/fd" | wc -l)
crowd=$((1024 - own + 3))
mask "$crowd" 1020
# tests/tools/peer hold holds its connections until its input ends (finish).
client_program C ../../tests/tools/peer hold 127.0.0.1 '$PORT' "$crowd"
client_log C '^holding'
say "Descriptors 0 to 6 are the server's own, 7 to 1023 hold 1017 clients;"
say "the last 3 connections would need descriptor 1024: refused and closed."
await '(($(refused) == 3))' "the server to refuse 3 connections"
server_log '^refused'
show 'ls /proc/$SERVER_PID/fd | wc -l'
say "When C lets go, the server has room again."
finish C
await '(($(ls /proc/$SERVER_PID/fd | wc -l) == own))' "the server to close every client's descriptor"
show "echo 'room again' | ./client localhost \$PORT"
stop
