# shellcheck source=tests/scenes/fork-zombie/subreaper.bash
source "$ROOT/tests/scenes/fork-zombie/subreaper.bash"
say "The parent accepts; each connection is served by a child of its own."
server
client A localhost '$PORT'
typed A "hello"
client_log A '^hello$'
server_log '^child pid .* serves'
say "A second client is served at once, by a second child."
client B localhost '$PORT'
typed B "world"
client_log B '^world$'
server_log '^child pid .* serves'
say "Both clients leave; their children exit, and nobody waits for them."
finish A
server_log 'closed$'
finish B
server_log 'closed$'
mask_children
await "[ \$(ps -o stat= --ppid \$SERVER_PID | grep -c Z) = 2 ]" "the server's two children to be zombies"
show "ps -o pid,ppid,stat,cmd --ppid \$SERVER_PID | awk '{ \$1 = \$1; print }'"
say "When the server exits, its zombies are adopted, and reaped at once."
children=$(sed -n 's/^child pid \([0-9]*\) .*/\1/p' "$SCENE_TMP/server.out" | paste -sd,)
stop
show "ps -o pid,ppid,stat,cmd -p $children | awk '{ \$1 = \$1; print }'"
