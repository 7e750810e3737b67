say "A burst: 50 connections, closed at the same moment. (-q: no log lines)"
server -q
show "./client -c 50 localhost \$PORT | tail -n 2"
say "50 children end together; far fewer SIGCHLD arrive, yet the loop reaps all."
await "[ -z \"\$(ps -o pid= --ppid \$SERVER_PID)\" ]" "the server to have reaped all 50 children"
show "ps -o stat= --ppid \$SERVER_PID | grep -c Z"
say "And the server still serves."
show "printf 'still here\n' | ./client localhost \$PORT"
stop
