# subreaper.bash - sourced by the fork-zombie scenes (not a scene itself).
#
# This server's zombies outlive it. On a student's machine PID 1 (or the
# desktop's user manager) adopts and reaps them; on the machines that run
# make check, PID 1 reaps nothing, so every make demo would leave zombies
# behind for good. So the server runs under tests/tools/subreaper, which
# reaps what the server leaves; SERVER_PID is still the server itself.

# shellcheck disable=SC2034 # read by lib.bash's server
SCENE_SERVER_WRAPPER=("$ROOT/tests/tools/subreaper")

# mask_children : show the server's children, in the order its log names
# them, as pids 4001, 4002... (ps prints pids without the word "pid").
mask_children() {
  local pid shown=4001
  # (A here-string, not <(...): the scene must wait for every process it
  # starts, or it leaves an orphan.)
  while read -r pid; do
    [[ -n $pid ]] || continue
    mask "$pid" "$shown"
    shown=$((shown + 1))
  done <<<"$(sed -n 's/^child pid \([0-9]*\) .*/\1/p' "$SCENE_TMP/server.out")"
}
