# shellcheck shell=bash disable=SC2016
# (lib.bash expands $PORT in the commands it shows and runs)
# The server's stdin is a FIFO this scene types into, as if into the
# server's terminal (lib.bash's server starts it on /dev/null).
# lib.bash may look at a terminal's output before the program has
# created it (and tail would complain in the transcript): create them.
touch "$SCENE_TMP/server.out" "$SCENE_TMP/A.out"
keyboard_server() {
  printf '[server]$ ./server\n'
  mkfifo "$SCENE_TMP/server.in"
  exec {SERVER_KEYS}<>"$SCENE_TMP/server.in"
  ./server 0 <"$SCENE_TMP/server.in" >"$SCENE_TMP/server.out" 2>&1 &
  SERVER_PID=$!
  wait_for_line server '^listening on '
  PORT=$(sed -n '1s/.* port \([0-9]*\)$/\1/p' "$SCENE_TMP/server.out")
  mask "$PORT" "$SCENE_DEFAULT_PORT"
  new_lines server
}

# exits NAME : wait for NAME to exit by itself; show its output and status.
exits() {
  local status=0
  wait "${TERMINAL_PID[$1]}" || status=$?
  new_lines "$1"
  printf '[%s] (exit status %d)\n' "$1" "$status"
}

say "The server watches its own stdin too: Enter in its terminal stops it."
keyboard_server
client A localhost '$PORT'
typed A "hello"
client_log A '^hello$'
server_log '^connection from'
say "A now waits for input. Enter in the server's terminal:"
printf '[server] > (an empty line: just Enter)\n'
printf '\n' >&"$SERVER_KEYS"
status=0
wait "$SERVER_PID" || status=$?
SERVER_PID=
new_lines server
printf '[server] (exit status %d)\n' "$status"
say "A was watching its socket as well as its keyboard: it knows at once."
exits A
