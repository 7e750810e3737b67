# shellcheck shell=bash source=tests/scenes/pool/helpers.bash
source "$ROOT/tests/scenes/pool/helpers.bash"
say "The parent supervises: a worker that dies is replaced."
server -n 2
pool_ready 2
show "pgrep -P $SERVER_PID"
show "kill -KILL $(first_worker)"
server_log 'replaces'
mask_pids
say "Still two workers; the newest child of the server is the replacement."
show "pgrep -c -P $SERVER_PID"
show "pgrep -n -P $SERVER_PID"
stop
