# capture.bash - watching the wire with tcpdump, for the scenes of tcp-echo
# and udp-echo (sourced by a scene; tests/play runs only *.sh files).
#
#   capture_start FILTER   start "tcpdump -i lo -n -t -l FILTER" in the
#                          background, shown as typed in terminal [wire]
#                          (with sudo: a student needs it; the scene runs as
#                          root), and wait until it captures
#   capture_packets N      wait until N packets were captured
#   capture_stop SED       press Ctrl-C in [wire]; show its packets, each
#                          edited by the sed script SED (the handout says
#                          which fields are trimmed: they change every run)
#
# Capturing needs root (or CAP_NET_RAW) and tcpdump. Without them the scene
# fails with a message saying so, unless SCENE_NO_CAPTURE=1, with which it
# stops with status 77 ("skipped": nothing captured, nothing to compare).

capture_possible() {
  if ! command -v tcpdump >/dev/null; then
    CAPTURE_WHY="tcpdump is not installed (apt-get install tcpdump)"
  elif ((EUID != 0)); then
    CAPTURE_WHY="capturing packets needs root (or CAP_NET_RAW); this runs as uid $EUID"
  else
    return 0
  fi
  return 1
}

capture_start() {
  if ! capture_possible; then
    if [[ ${SCENE_NO_CAPTURE:-} == 1 ]]; then
      echo "scene skipped (SCENE_NO_CAPTURE=1): $CAPTURE_WHY" >&2
      exit 77
    fi
    echo "scene: cannot watch the wire: $CAPTURE_WHY. Set SCENE_NO_CAPTURE=1 to skip this scene." >&2
    exit 1
  fi
  printf '[wire]$ sudo tcpdump -i lo -n -t %s\n' "$(shown "$1")"
  : >"$SCENE_TMP/wire.out"
  tcpdump -i lo -n -t -l "${1//\$PORT/$PORT}" >"$SCENE_TMP/wire.out" 2>"$SCENE_TMP/wire.err" &
  CAPTURE_PID=$!
  # shellcheck disable=SC2034,SC2154 # lib.bash reads TERMINAL_PID; wire is a key
  TERMINAL_PID[wire]=$CAPTURE_PID # killed by scene_cleanup if the scene fails
  await "grep -q '^listening on' '$SCENE_TMP/wire.err'" "tcpdump to start capturing"
}

capture_packets() {
  await "(( \$(wc -l <'$SCENE_TMP/wire.out') >= $1 ))" "tcpdump to capture $1 packets"
}

capture_stop() {
  printf '[wire] ^C\n'
  kill -INT "$CAPTURE_PID"
  wait "$CAPTURE_PID"
  unset "TERMINAL_PID[wire]"
  sed -E -e '/^$/d' -e "$1" "$SCENE_TMP/wire.out" | sed 's/^/[wire] /'
}
