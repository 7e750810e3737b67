# shellcheck shell=bash disable=SC2016 # the scene lib expands $PORT itself
say "A peer killed with kill -9: its kernel closes the socket as close() would."
server_with_terminal
client A localhost '$PORT'
server_log '^peer connected from'
victim=${TERMINAL_PID[A]}
mask "$victim" 4001
kill9 A
server_log 'closed$'
say "A peer whose connection is reset (SO_LINGER 0): the server says so."
show '../../tests/tools/peer reset localhost $PORT'
server_log 'closed$'
say "Either way the server goes on waiting for the next peer."
stop
