say "Terminal A connects and stays connected."
server
client A localhost '$PORT'
typed A "first"
client_log A '^first$'
server_log '^connection from'
say "Terminal B connects too, but its line gets no echo yet:"
client B localhost '$PORT'
typed B "second"
await "ss -Htn state established \"( sport = :\$PORT )\" | grep -q '^7 '" "B's 7 bytes to wait unread in its connection (ss)"
say "the kernel completed B's handshake. B waits in the listening socket's"
say "accept queue (Recv-Q 1) and its 7 bytes wait in its socket's Recv-Q."
show "ss -Htn state listening state established \"( sport = :\$PORT )\" | sort -k1,1r | awk '{ print \$1, \$2, \$4, \$5 }'"
say "When A leaves, the server accepts B and echoes its line at last."
finish A
client_log B '^second$'
server_log '^connection from'
finish B
server_log 'closed$'
stop
