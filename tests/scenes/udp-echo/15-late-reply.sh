say "Terminal A waits at most 300 ms for each echo."
server
client A -t 300 localhost '$PORT'
say "Freeze the server: the first line gets no echo in time."
show "kill -STOP \$SERVER_PID"
await "grep -q '^State:.*T' /proc/\$SERVER_PID/status" "the server to be stopped (state T)" # stopped, not just signalled
typed A "first"
client_log A 'no reply within 300 ms$'
say "Thaw it: the server echoes 'first' now, too late for the client."
show "kill -CONT \$SERVER_PID"
server_log ': 5 bytes$'
say "The late echo is waiting for A; it does not match the next line, so A skips it."
typed A "second"
client_log A '^second$'
server_log ': 6 bytes$'
finish A
stop
