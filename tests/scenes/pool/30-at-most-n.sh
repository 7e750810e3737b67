# shellcheck shell=bash source=tests/scenes/pool/helpers.bash
# shellcheck disable=SC2016 # client() expands '$PORT' itself
source "$ROOT/tests/scenes/pool/helpers.bash"
say "Two workers, -q for a quiet log. A and B each keep a worker busy."
server -q -n 2
pool_ready 2
client A localhost '$PORT'
typed A "one"
client_log A '^ONE$'
client B localhost '$PORT'
typed B "two"
client_log B '^TWO$'
say "C connects too, but no worker is free to accept() it:"
client C localhost '$PORT'
typed C "three"
await "ss -Htn state established \"( sport = :\$PORT )\" | grep -q '^6 '" "C's 6 bytes to wait unread in its connection (ss)"
say "C waits in the listening socket's queue (Recv-Q 1), its bytes unread."
show "ss -Htn state listening state established \"( sport = :\$PORT )\" | sort -k1,1r | awk '{ print \$1, \$2, \$4, \$5 }'"
say "When A leaves, its worker goes back to accept() and takes C."
finish A
client_log C '^THREE$'
finish B
finish C
stop
