# shellcheck shell=bash disable=SC2016 # the scene lib expands $PORT itself
say "q on the server's side ends this chat; the server waits for the next peer."
server_with_terminal
client A localhost '$PORT'
server_log '^peer connected from'
typed server "sorry A, I must go"
client_log A '^peer: sorry A'
typed server "q"
exited A
server_log 'closed$'
say "B connects and is served. Ctrl-D at the server ends it for good."
client B localhost '$PORT'
server_log '^peer connected from'
typed B "hello?"
server_log '^peer: hello\?$'
finish server
exited B
