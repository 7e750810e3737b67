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

@test "every handout has its sections, exercises and a sequence diagram" {
  for handout in "$ROOT"/handouts/[0-9][0-9]-*.md; do
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
  run "$ROOT/tests/play" check
  assert_success
}

@test "make demo plays every lab's session" {
  run "$ROOT/tests/play" demo
  assert_success
  for lab in $(labs); do
    assert_output --partial "(handouts/"
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
