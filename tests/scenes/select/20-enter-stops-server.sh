# shellcheck shell=bash disable=SC2016
# (lib.bash expands $PORT in the commands it shows and runs)
say "The server watches its own stdin too: Enter in its terminal stops it."
server_with_terminal
client A localhost '$PORT'
typed A "hello"
client_log A '^hello$'
server_log '^connection from'
say "A now waits for input. Enter in the server's terminal:"
enter server
exited server
say "A was watching its socket as well as its keyboard: it knows at once."
exited A
