say "With no server on the port, the kernel answers with an ICMP 'port"
say "unreachable'; a connected UDP socket reports it as ECONNREFUSED."
show "printf 'hello?\n' | ./client localhost 5000; echo \"exit status \$?\""
