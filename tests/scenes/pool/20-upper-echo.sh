# shellcheck shell=bash source=tests/scenes/pool/helpers.bash
source "$ROOT/tests/scenes/pool/helpers.bash"
say "A pool of one worker: the service is an echo in upper case."
server -n 1
pool_ready 1
show "printf 'hello\nWhy not?\n' | ./client localhost \$PORT"
say "The log names the worker that served the client, by its pid."
server_log 'closed$'
stop
