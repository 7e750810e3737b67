say "A UDP server neither listens nor accepts: ss shows its socket as UNCONN."
server
client A 127.0.0.1 '$PORT'
say "The client has called connect(), which sent nothing: the server logs"
say "nothing, yet ss shows the client's socket as ESTAB, with a fixed peer."
await "ss -Huan \"( dport = :\$PORT )\" | grep -q ESTAB" "the client's connected socket (ESTAB) to show in ss"
show "ss -Huan \"( sport = :\$PORT or dport = :\$PORT )\" | sort -k1,1r | awk '{ print \$1, \$4, \$5 }'"
typed A "hello"
client_log A '^hello$'
server_log ': 5 bytes$'
finish A
stop
