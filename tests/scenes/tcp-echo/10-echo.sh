say "The server prints where it listens, then one line per connection."
server
say "A client on piped input: each line comes back, with no prompt."
show "printf 'hello\nworld\n' | ./client localhost \$PORT"
server_log 'closed$'
say "Ctrl-C in the server's terminal stops it with status 0."
stop
