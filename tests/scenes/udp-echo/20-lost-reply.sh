say "Freeze the server (SIGSTOP): it is still there, but it answers nobody."
server
show "kill -STOP \$SERVER_PID"
await "grep -q '^State:.*T' /proc/\$SERVER_PID/status" "the server to be stopped (state T)" # stopped, not just signalled
show "printf 'anyone there?\n' | ./client -t 500 localhost \$PORT; echo \"exit status \$?\""
say "The datagram was not lost: it waits in the frozen server's receive queue."
show "ss -Hunl \"( sport = :\$PORT )\" | awk '{ print \"Recv-Q\", \$2, \"on\", \$4 }'"
say "Thaw it: the server answers the old datagram, but that client is gone."
show "kill -CONT \$SERVER_PID"
server_log ': 13 bytes$'
stop
