#!/usr/bin/env bats
# The handouts: one per lab, listed in the index and the README, with
# transcripts that match a fresh run, and the demo that plays them.

load helpers

labs() {
  local dir
  for dir in "$LABS"/*/; do
    [[ -f $dir/Makefile ]] && basename "$dir"
  done
}

@test "every lab has a handout handouts/NN-LAB.md" {
  for lab in $(labs); do
    ls "$ROOT"/handouts/[0-9][0-9]-"$lab".md >/dev/null
  done
}

@test "the handout index and the README's lab table list every handout" {
  for handout in "$ROOT"/handouts/[0-9][0-9]-*.md; do
    name=$(basename "$handout")
    grep -qF "($name)" "$ROOT/handouts/README.md" || fail "handouts/README.md does not link $name"
    grep -qF "(handouts/$name)" "$ROOT/README.md" || fail "README.md does not link handouts/$name"
  done
}

@test "every lab's handout has its sections, exercises and a sequence diagram" {
  for lab in $(labs); do
    handout=$(ls "$ROOT"/handouts/[0-9][0-9]-"$lab".md)
    for heading in "## What you will learn" "## From the notes' Python to C" \
      "## The code, function by function" "## Run it" "## Observe" "## Exercises"; do
      grep -qxF "$heading" "$handout" || fail "$(basename "$handout") has no '$heading'"
    done
    exercises=$(sed -n '/^## Exercises$/,/^## /p' "$handout" | grep -cE '^[0-9]+\. ')
    ((exercises >= 3 && exercises <= 5)) || fail "$(basename "$handout") has $exercises exercises"
    grep -qxF '```mermaid' "$handout" || fail "$(basename "$handout") has no mermaid diagram"
  done
}

@test "every transcript in the handouts matches a fresh run" {
  # The packet captures have a test of their own (below).
  SCENE_NO_CAPTURE=1 run "$ROOT/tests/play" check
  assert_success
}

@test "transcripts show fixed ports and pids, even when a real pid is a number shown for another" {
  # A fresh machine hands out pids near 4000: the pool's second worker may
  # really be pid 4000, the number the server is shown as.
  printf '%s\n' '20446 20446' '1234 4000' '4000 4001' '4003 4002' >"$BATS_TEST_TMPDIR/masks"
  printf '%s\n' 'listening on 127.0.0.1 port 20446 (pid 1234)' 'worker pid 4000 started' \
    'worker pid 4003 started' '127.0.0.1 port 51234 and 127.0.0.1:40000, pid 777' \
    'kill 4003 1234' >"$BATS_TEST_TMPDIR/raw"
  run "$ROOT/tests/tools/normalise" "$BATS_TEST_TMPDIR/masks" "$BATS_TEST_TMPDIR/raw"
  assert_success
  assert_output "$(printf '%s\n' 'listening on 127.0.0.1 port 20446 (pid 4000)' \
    'worker pid 4001 started' 'worker pid 4002 started' \
    '127.0.0.1 port 50001 and 127.0.0.1:50002, pid 4003' 'kill 4002 4000')"
}

@test "the transcripts of the wire (tcpdump) match a fresh capture" {
  # The skip names only what is missing here.
  local missing=''
  command -v tcpdump >/dev/null || missing=tcpdump
  ((EUID == 0)) || missing="${missing:+$missing and }root (or CAP_NET_RAW)"
  if [[ -n $missing ]]; then
    # CI runs as root with tcpdump installed: there, this must not skip.
    [[ ${CI:-} != true ]] || fail "CI must be able to capture packets, but it lacks $missing"
    skip "capturing packets needs $missing"
  fi
  PLAY_SCENES=wire SCENE_NO_CAPTURE=0 run "$ROOT/tests/play" check tcp-echo udp-echo
  assert_success
  refute_output --partial SKIPPED
}

@test "make demo plays every lab's session" {
  # Every scene is played by the transcript check above; here the first
  # scene of each lab, in demo mode: narrated, with the real port.
  PLAY_SCENES='^10-' run "$ROOT/tests/play" demo
  assert_success
  assert_output --regexp $'\n  # [A-Z]'
  refute_output --partial 'port 5090 (pid' # tcp-echo's default: the real one is shown
  for lab in $(labs); do
    handout=$(cd "$ROOT" && ls handouts/[0-9][0-9]-"$lab".md)
    assert_output --partial "($handout)"
    assert_output --regexp "=== Lab [0-9]+: $lab"
  done
}

@test "every link between the handouts and to the code points at a file" {
  for handout in "$ROOT"/handouts/*.md "$ROOT/README.md"; do
    dir=$(dirname "$handout")
    while read -r target; do
      target=${target%%#*}
      [[ -z $target || $target == http* ]] && continue
      [[ -e $dir/$target ]] || fail "$(basename "$handout") links to $target, which does not exist"
    done < <(grep -oE '\]\([^)]+\)' "$handout" | sed 's/^](//; s/)$//')
  done
}

# exercises HANDOUT : "N<TAB>text" for each exercise, its lines joined.
exercises() {
  sed -n '/^## Exercises$/,/^## /p' "$1" | awk '
    /^[0-9]+\. / { if (n) print n "\t" text; n = $1 + 0; text = $0; next }
    /^## / { next }
    n { text = text " " $0 }
    END { if (n) print n "\t" text }'
}

@test "every exercise names the lesson that checks its outcome" {
  for handout in "$ROOT"/handouts/[0-9][0-9]-*.md; do
    lab=$(basename "$handout" .md)
    lab=${lab#[0-9][0-9]-}
    while IFS=$'\t' read -r number text; do
      [[ -n $number ]] || continue
      lessons=$(grep -oE '<!-- lesson: [a-z0-9-]+ -->' <<<"$text" | sed 's/<!-- lesson: //; s/ -->//')
      [[ -n $lessons ]] || fail "$(basename "$handout") exercise $number names no '<!-- lesson: NAME -->'"
      for name in $lessons; do
        file=$ROOT/tests/lessons/$lab/$name.patch # a patch's Check: file may share its name
        [[ -f $file ]] || file=$ROOT/tests/lessons/$lab/$name.bats
        [[ -f $file ]] || fail "$(basename "$handout") exercise $number: no tests/lessons/$lab/$name.patch or .bats"
        grep -qE "^(# )?Lesson: (exercise|solution) $number\$" "$file" ||
          fail "$file does not say 'Lesson: exercise $number' (or solution $number)"
      done
    done <<<"$(exercises "$handout")"
  done
}
