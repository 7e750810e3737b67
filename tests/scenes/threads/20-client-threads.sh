say "client -t 3: three threads, each with its own connection, each sending"
say "every line. Their replies arrive in a different order on every run;"
say "sort puts them in a fixed order."
server -q
show "printf 'hello\nworld\n' | ./client -t 3 localhost \$PORT | sort"
say "Fifty connections at once, a thousand lines each: 50000 replies."
show "seq 1000 | ./client -t 50 localhost \$PORT | wc -l"
show "seq 1000 | ./client -t 50 localhost \$PORT | grep -c '^\[thread 50\] '"
stop
