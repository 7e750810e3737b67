# shellcheck shell=bash source=tests/scenes/pool/helpers.bash
source "$ROOT/tests/scenes/pool/helpers.bash"
say "The parent supervises: a worker that dies is replaced."
pool_server -n 2
pool_ready 2
show "pgrep -P $SERVER_PID"
show "kill -KILL $(worker_pids | head -n 1)"
server_log 'replaces'
mask_pids
show "pgrep -P $SERVER_PID"
stop
