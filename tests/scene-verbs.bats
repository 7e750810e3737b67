#!/usr/bin/env bats
# The scene verbs: one scene (tests/scenes/LAB/*.sh) is played by two
# libraries, tests/scenes/lib.bash (the handouts' transcripts, make demo) and
# tests/lecture/lib.bash (make lecture, in tmux). Every function a scene calls
# (or a file the scenes source) must exist in both, take its arguments the
# same way, and be documented in tests/scenes/lib.bash. No tmux needed.

load helpers

SCENES_LIB=$ROOT/tests/scenes/lib.bash
LECTURE_LIB=$ROOT/tests/lecture/lib.bash

# usage_of FUNCTION : how FUNCTION takes its arguments: "any" (it reads $@
# or $*), "ignored" (its body is : alone), or the number it reads ($1, ${2},
# ${2:-...}: 2), shifts counted.
usage_of() {
  local body n=0 shifts=0 i
  body=$(declare -f "$1" | tail -n +3 | head -n -1)
  if [[ $body =~ ^[[:space:]]*:[[:space:]]*$ ]]; then
    echo ignored
    return
  fi
  if grep -qE '\$\{?[@*]' <<<"$body"; then
    echo any
    return
  fi
  for i in $(grep -oE '\$\{?[1-9]' <<<"$body" | tr -dc '0-9\n'); do
    ((i > n)) && n=$i
  done
  for i in $(grep -oE '(^|[;&|[:space:]])shift( [0-9]+)?' <<<"$body" | sed -E 's/.*shift ?//; s/^$/1/'); do
    shifts=$((shifts + i))
  done
  echo $((n + shifts))
}

# functions_of LIB : "NAME USAGE" for each function LIB defines, LIB sourced
# alone in a clean bash.
functions_of() {
  env -i PATH="$PATH" SCENE_TMP="$BATS_TEST_TMPDIR" LECTURE_STATE="$BATS_TEST_TMPDIR" \
    bash --noprofile --norc -c "$(declare -f usage_of)"'
      source "$1" >/dev/null 2>&1 || { echo "cannot source $1" >&2; exit 1; }
      for f in $(declare -F | awk "{ print \$3 }"); do
        [[ $f == usage_of ]] || echo "$f $(usage_of "$f")"
      done' _ "$1"
}

# calls_in FILE : the words in command position in FILE (a scene, or a file
# scenes source), one a line: bash prints FILE back as the body of a
# function, one command a line, without comments; say's text (prose) is
# dropped, then a line is cut after |, &&, || and $( so that each command
# starts one. An assignment (NAME=...) is no call.
calls_in() {
  bash --noprofile --norc -c 'eval "__scene() {
$(cat "$1")
}" && declare -f __scene' _ "$1" |
    sed -E 's/^([[:space:]]*)say[[:space:]].*/\1say/' |
    sed -E 's/(\||&&|\$\()/\n/g' |
    sed -E 's/^[[:space:]]*((if|then|else|elif|do|while|until|function|!|\{|\()[[:space:]]+)*//' |
    grep -oE '^[A-Za-z_][A-Za-z0-9_]*([[:space:];]|$)' | grep -oE '^[A-Za-z_][A-Za-z0-9_]*' | sort -u
}

@test "every scene verb exists in both libraries and takes its arguments the same way" {
  declare -A scenes lecture
  local name usage other file verb verbs=() bad=0
  while read -r name usage; do scenes[$name]=$usage; done < <(functions_of "$SCENES_LIB")
  while read -r name usage; do lecture[$name]=$usage; done < <(functions_of "$LECTURE_LIB")
  ((${#scenes[@]} > 10 && ${#lecture[@]} > 10)) || fail "could not list the libraries' functions"
  for file in "$ROOT"/tests/scenes/*/*.sh "$ROOT"/tests/scenes/*/*.bash; do
    for verb in $(calls_in "$file"); do
      [[ -n ${scenes[$verb]:-} || -n ${lecture[$verb]:-} ]] || continue
      [[ " ${verbs[*]} " == *" $verb "* ]] || verbs+=("$verb")
      if [[ -z ${scenes[$verb]:-} ]]; then
        echo "${file#"$ROOT"/} calls $verb, which only tests/lecture/lib.bash defines" >&2
        bad=1
      elif [[ -z ${lecture[$verb]:-} ]]; then
        echo "${file#"$ROOT"/} calls $verb, which only tests/scenes/lib.bash defines" >&2
        bad=1
      fi
    done
  done
  ((${#verbs[@]} > 15)) || fail "found only ${#verbs[@]} verbs in the scenes: ${verbs[*]}"
  for verb in "${verbs[@]}"; do
    usage=${scenes[$verb]:-} other=${lecture[$verb]:-}
    [[ -z $usage || -z $other || $usage == "$other" || $usage == ignored || $other == ignored ]] && continue
    echo "$verb takes its arguments one way in tests/scenes/lib.bash ($usage), another in tests/lecture/lib.bash ($other)" >&2
    bad=1
  done
  ((bad == 0))
}

@test "every scene verb is documented in tests/scenes/lib.bash" {
  local file verb bad=0
  declare -A scenes
  while read -r verb _; do scenes[$verb]=1; done < <(functions_of "$SCENES_LIB")
  for file in "$ROOT"/tests/scenes/*/*.sh "$ROOT"/tests/scenes/*/*.bash; do
    for verb in $(calls_in "$file"); do
      [[ -n ${scenes[$verb]:-} ]] || continue
      grep -qE "^#   $verb( |$)" "$SCENES_LIB" && continue
      echo "${file#"$ROOT"/} calls $verb: tests/scenes/lib.bash does not say what it does (a line '#   $verb ARGS  what it does')" >&2
      bad=1
    done
  done
  ((bad == 0))
}

@test "the check of the scene verbs sees a verb missing, or taking other arguments" {
  # A scene that calls a function only the lecture has, and libraries whose
  # typed takes one argument in one and two in the other: both found.
  mkdir -p "$BATS_TEST_TMPDIR/scenes/x"
  printf 'server\ntyped A "hi"\nif true; then narrate "" "" x; fi\nsay "a | b (c"\nd=1\n' >"$BATS_TEST_TMPDIR/scenes/x/10-x.sh"
  run calls_in "$BATS_TEST_TMPDIR/scenes/x/10-x.sh"
  assert_line narrate
  assert_line server
  assert_line typed
  assert_line say
  refute_line x
  refute_line b
  refute_line d
  typed() { echo "$1"; }
  assert_equal "$(usage_of typed)" 1
  typed() { printf '%s %s\n' "$1" "$2"; }
  assert_equal "$(usage_of typed)" 2
  client() { local name=$1; shift; echo "$name" "$@"; }
  assert_equal "$(usage_of client)" any
  mask() { :; }
  assert_equal "$(usage_of mask)" ignored
  kill9() { local pid=${TERMINAL_PID[$1]}; shift 2; echo "$pid"; }
  assert_equal "$(usage_of kill9)" 3
}
