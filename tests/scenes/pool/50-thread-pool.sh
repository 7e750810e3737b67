# shellcheck shell=bash source=tests/scenes/pool/helpers.bash
# shellcheck disable=SC2016 # client() expands '$PORT' itself
source "$ROOT/tests/scenes/pool/helpers.bash"
say "The thread pool: one worker thread, plus the main thread that accepts."
server -m thread -n 1
show "grep Threads /proc/$SERVER_PID/status"
client A localhost '$PORT'
typed A "one"
client_log A '^ONE$'
server_log 'connection from'
say "B connects: the main thread accepts it, finds no idle worker, and waits."
client B localhost '$PORT'
typed B "two"
server_log 'no free worker'
await "ss -Htn state established \"( sport = :\$PORT )\" | grep -q '^4 '" "B's 4 bytes to wait unread in its connection (ss)"
say "This time the listening queue is empty: B is accepted, its bytes unread."
show "ss -Htn state listening state established \"( sport = :\$PORT )\" | sort -k1,1r | awk '{ print \$1, \$2, \$4, \$5 }'"
say "When A leaves, worker 1 is idle again: the main thread hands it B."
finish A
client_log B '^TWO$'
server_log 'connection from'
finish B
server_log 'closed$'
stop
