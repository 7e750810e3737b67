# shellcheck shell=bash disable=SC2016 # the scene lib expands $PORT itself
say "The server waits for a peer; its own user types in its terminal."
server_with_terminal
client A localhost '$PORT'
server_log '^peer connected from'
say "Either side types whenever it likes; the other prints peer: LINE."
typed A "hi, anyone there?"
server_log '^peer: hi, anyone there\?$'
typed server "yes, hello A"
client_log A '^peer: yes, hello A$'
say "Several lines in a row from one side: no waiting for an answer."
typed A "one"
typed A "two"
typed A "three"
server_log '^peer: three$'
say "Ctrl-D (end of input) ends the chat from A's side."
finish A
server_log 'closed$'
say "The server waits for the next peer; Ctrl-C stops it."
stop
