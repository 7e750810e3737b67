say "Start a server and stop it again: now nothing listens on its port."
server
stop
say "The kernel answers the datagram with an ICMP 'port unreachable'; a"
say "connected UDP socket reports it as ECONNREFUSED."
show "printf 'hello?\n' | ./client localhost \$PORT; echo \"exit status \$?\""
