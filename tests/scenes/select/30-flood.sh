# shellcheck shell=bash disable=SC2016
# (lib.bash expands $PORT in the commands it shows and runs)
say "F sends without end and never reads a reply (bash's /dev/tcp):"
server
start_in F 'head -c 100M /dev/zero > /dev/tcp/127.0.0.1/$PORT'
server_log '^connection from'
say "Wait until the server's buffer for F is full and it stops reading F:"
say "F's bytes pile up unread in the kernel, F's send() blocks, not ours."
await "ss -Htn state established '( sport = :$PORT )' | awk '\$1 > 0 && \$2 > 0 { ok = 1 } END { exit !ok }'" "F's bytes to pile up unread on both ends of its connection (ss)"
client A localhost '$PORT'
typed A "still served"
client_log A '^still served$'
server_log '^connection from'
say "F gives up (Ctrl-C). Its unread data makes its kernel reset the"
say "connection; the server's next write to F fails, for F alone."
interrupt F
server_log 'closed$'
finish A
server_log 'closed$'
stop
