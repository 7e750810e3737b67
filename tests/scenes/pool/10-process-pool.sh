# shellcheck shell=bash source=tests/scenes/pool/helpers.bash
source "$ROOT/tests/scenes/pool/helpers.bash"
say "The parent listens, then forks three workers before any client comes."
server -n 3
pool_ready 3
say "They are the server's children:"
show "pgrep -P $SERVER_PID"
say "All four share one listening socket; only the workers call accept()."
say "Ctrl-C: the parent sends SIGTERM to each worker and waits for it."
stop
