say "The UDP server logs every datagram: who sent it and how many bytes."
server
say "Each line goes out as one datagram, without its newline; an empty line"
say "is an empty datagram. Three lines, three datagrams, three replies."
show "printf 'hello\n\nthree words here\n' | ./client localhost \$PORT"
server_log ': 16 bytes$'
stop
