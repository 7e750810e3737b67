# shellcheck shell=bash disable=SC2016 # the scene lib expands $PORT itself
say "A bare peer: bash's /dev/tcp opens a connection on descriptor 5."
server_with_terminal
show 'exec 5<>/dev/tcp/127.0.0.1/$PORT'
server_log '^peer connected from'
say "q at the server: shutdown(SHUT_WR) sends a FIN, but the server still reads."
typed server "q"
await 'ss -Htn state fin-wait-2 "( sport = :$PORT )" | grep -q .' "the server's end of the connection to reach FIN-WAIT-2"
show 'ss -Htan exclude time-wait "( sport = :$PORT or dport = :$PORT )" | awk '\''{ print $1, $4, $5 }'\'' | sort'
say "What the peer still sends arrives and is printed."
show 'echo "wait, one more thing" >&5'
server_log '^peer: wait, one more thing$'
say "Only when the peer closes too does the server close and wait for the next."
show 'exec 5>&-'
server_log 'closed$'
stop
