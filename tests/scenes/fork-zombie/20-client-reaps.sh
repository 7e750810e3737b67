# shellcheck source=tests/scenes/fork-zombie/subreaper.bash
source "$ROOT/tests/scenes/fork-zombie/subreaper.bash"
say "The client forks too: -n 3 runs three children, three connections."
say "(sorted by pid, so that each child's lines sit together)"
server -q
show "printf 'hello\nworld\n' | ./client -n 3 localhost \$PORT | sort -s -n -k 2"
say "The client reaped its three children; the server did not reap its own."
await "[ \$(ps -o stat= --ppid \$SERVER_PID | grep -c Z) = 3 ]" "the server's three children to be zombies"
show "ps -o stat= --ppid \$SERVER_PID | sort | uniq -c"
stop
