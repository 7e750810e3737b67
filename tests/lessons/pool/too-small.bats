#!/usr/bin/env bats
# Lesson: exercise 1
# Says: ./client -c 6 -n 3 -d 300 against -n 1, 3, 6: the log never shows more than N connections open at once
load ../../helpers

# most_open_at_once LOG : the largest number of connections open together.
most_open_at_once() {
  awk '/: connection from / { n++; if (n > max) max = n } / closed$/ { n-- } END { print max + 0 }' "$1"
}

@test "six random clients: never more than N open at once, with N = 1, 3 and 6" {
  # The handout's server (then with -n 3 and -n 6) and six clients.
  server=$(handout_command 08-pool.md too-small './server -n ')
  six=$(handout_command 08-pool.md too-small 'time ./client -c 6 ')
  assert_equal "$server" "./server -n 1"
  handout_substitute six 'time ./client' "timeout 60 '$LABS/pool/client'"
  for n in 1 3 6; do
    start_server pool -n "$n"
    run bash -c "$six 127.0.0.1 $SERVER_PORT"
    assert_success
    eventually count_is 6 "$SERVER_OUT" ' closed$'
    most=$(most_open_at_once "$SERVER_OUT")
    ((most <= n)) || fail "$most connections open at once with -n $n"
    ((n == 1 || most >= 2)) || fail "with -n $n the clients were served one at a time"
    stop_server
    rm -f "$SERVER_OUT"
  done
}
