#!/usr/bin/env bats
# The labs read lesson first, their shared code stays one code, and the
# handouts name only what is there (issue 19, STYLE.md "This project's
# habits"). These tests read the sources; they run no program.

load helpers

# Each server's key call, the lesson of its lab: it must come within the
# file's first 100 lines, or its first 35 % where that is later. A lab whose
# server is laid out lesson first gets a line here.
KEY_CALLS=(
  "tcp-echo accept"
  "udp-echo recvfrom"
  "fork-zombie fork"
  "reaper waitpid"
  "threads pthread_create"
  "select select"
  "p2p-chat poll"
  "pool pthread_cond_wait"
)

# key_call_line FILE CALL : the number of the first line of FILE that calls
# CALL (in code, not in a comment).
key_call_line() {
  awk -v call="$2" '
    { line = $0 }
    in_comment { if (sub(/.*\*\//, "", line)) in_comment = 0; else next }
    { gsub(/\/\*([^*]|\*+[^*\/])*\*+\//, "", line) }
    line ~ /\/\*/ { sub(/\/\*.*/, "", line); in_comment = 1 }
    line ~ ("(^|[^A-Za-z0-9_])" call "\\(") { print NR; exit }' "$1"
}

@test "each server's key call is on its first screen (100 lines, or 35 % of the file)" {
  local entry lab call line lines limit problems=()
  for entry in "${KEY_CALLS[@]}"; do
    read -r lab call <<<"$entry"
    line=$(key_call_line "$ROOT/labs/$lab/server.c" "$call")
    lines=$(wc -l <"$ROOT/labs/$lab/server.c")
    limit=$((lines * 35 / 100))
    ((limit < 100)) && limit=100
    if [[ -z $line ]]; then
      problems+=("labs/$lab/server.c never calls $call()")
    elif ((line > limit)); then
      problems+=("labs/$lab/server.c: $call() first at line $line of $lines, after line $limit")
    fi
  done
  ((${#problems[@]} == 0)) || { printf '%s\n' "${problems[@]}"; false; }
}

# The tag a function repeated across labs carries, on the line above its
# comment: "/* Shared: first in LAB/FILE.c, every copy identical
# (tests/layout.bats). */". A copy runs from the tag to the function's
# closing brace, comment included.
TAG_RE='^/\* Shared: first in ([a-z0-9-]+/[a-z]+\.c), every copy identical \(tests/layout\.bats\)\. \*/$'

# tagged_copies DIR : write each tagged copy of labs/*/*.c to
# DIR/NAME/LAB-FILE.c, and list "HOME NAME SOURCE" on stdout.
tagged_copies() {
  local dir=$1 file
  for file in "$ROOT"/labs/*/*.c; do
    awk -v dir="$dir" -v source="${file#"$ROOT"/labs/}" -v re="$TAG_RE" '
      $0 ~ re { home = $0; sub(/^\/\* Shared: first in /, "", home); sub(/,.*/, "", home)
                copying = 1; text = $0 "\n"; name = ""; next }
      copying {
        text = text $0 "\n"
        if (name == "" && $0 ~ /^[a-z].*[A-Za-z0-9_]+\(/ && $0 !~ /^\/\*/) {
          name = $0; sub(/\(.*/, "", name); sub(/.*[^A-Za-z0-9_]/, "", name)
        }
        if ($0 == "}") {
          copying = 0
          out = source; gsub(/\//, "-", out)
          system("mkdir -p \"" dir "/" name "\"")
          printf "%s", text > (dir "/" name "/" out); close(dir "/" name "/" out)
          print home, name, source
        }
      }' "$file"
  done
}

@test "every tagged copy of a shared function is identical to its first home's, comment included" {
  local dir=$BATS_TEST_TMPDIR/copies home name source problems=() homes=0
  mkdir -p "$dir"
  tagged_copies "$dir" >"$BATS_TEST_TMPDIR/copies.txt"
  while read -r home name source; do
    local first="$dir/$name/${home//\//-}"
    if ! grep -qx "$home $name $home" "$BATS_TEST_TMPDIR/copies.txt"; then
      problems+=("$source: $name() names $home as its first home, which has no tagged $name()")
    elif [[ $source == "$home" ]]; then
      homes=$((homes + 1))
      (($(grep -c " $name " "$BATS_TEST_TMPDIR/copies.txt") > 1)) ||
        problems+=("$source: $name() is tagged as shared, but no other file has a tagged copy")
    elif ! cmp -s "$first" "$dir/$name/${source//\//-}"; then
      problems+=("$source: $name() differs from $home's:
$(diff -u --label "$home" --label "$source" "$first" "$dir/$name/${source//\//-}" || true)")
    fi
  done <"$BATS_TEST_TMPDIR/copies.txt"
  ((homes > 0)) || problems+=("no tagged function at all: the tag or this test is wrong")
  ((${#problems[@]} == 0)) || { printf '%s\n' "${problems[@]}"; false; }
}

# definition NAME [FILE] : NAME's definition, from its first line to its
# closing brace, without the comment above it.
definition() {
  awk -v name="$1" '
    !on && $0 ~ /^[a-z]/ && $0 !~ /;$/ && index($0, name "(") &&
      substr($0, index($0, name "(") - 1, 1) ~ /[^A-Za-z0-9_]/ { on = 1 }
    on { print } on && $0 == "}" { exit }' "${2:--}"
}

@test "a shared function carries its tag in every laid-out file that has the same code" {
  local dir=$BATS_TEST_TMPDIR/copies home name source file problems=()
  mkdir -p "$dir"
  tagged_copies "$dir" >"$BATS_TEST_TMPDIR/copies.txt"
  while read -r home name source; do
    for file in "$ROOT"/labs/*/*.c; do
      grep -q "^/\* The lesson, first below" "$file" || continue # not laid out yet
      grep -q " $name ${file#"$ROOT"/labs/}$" "$BATS_TEST_TMPDIR/copies.txt" && continue
      [[ -n $(definition "$name" "$file") ]] || continue
      if [[ $(definition "$name" "$file") == "$(definition "$name" "$dir/$name/${source//\//-}")" ]]; then
        problems+=("${file#"$ROOT"/}: $name() has the same code as $source's, but no tag")
      fi
    done
  done < <(sort -u -k2,2 "$BATS_TEST_TMPDIR/copies.txt")
  ((${#problems[@]} == 0)) || { printf '%s\n' "${problems[@]}"; false; }
}

# A handout's lab: 01-tcp-echo.md is labs/tcp-echo; the bench handout's
# code is labs/pool and tests/bench.
handout_sources() {
  local lab=${1#*-}
  lab=${lab%.md}
  if [[ $lab == bench ]]; then
    echo "$ROOT/labs/pool/server.c $ROOT/labs/pool/client.c $ROOT/common/labs.h"
    echo "$ROOT"/tests/bench/*.c "$ROOT/tests/bench/run"
  else
    echo "$ROOT/labs/$lab/server.c $ROOT/labs/$lab/client.c $ROOT/common/labs.h"
  fi
}
handout_lessons() {
  local lab=${1#*-}
  lab=${lab%.md}
  ls "$ROOT/tests/lessons/$lab/"*.patch 2>/dev/null
}

# Functions a handout names that are not in its lab on purpose: the notes'
# Python, and calls named to compare with the lab's.
NOT_IN_THE_LAB=(
  makefile rstrip Lock reapChildren # the notes' Python
  epoll pselect select getline memcmp resolve # named for comparison
)

@test "every function() a handout names exists in its lab (or a lesson of it writes it)" {
  local handout name sources lessons problems=() count=0
  for handout in "$ROOT"/handouts/[0-9][0-9]-*.md; do
    read -r -a sources <<<"$(handout_sources "$(basename "$handout")" | tr '\n' ' ')"
    mapfile -t lessons < <(handout_lessons "$(basename "$handout")")
    while read -r name; do
      [[ -n $name ]] || continue
      count=$((count + 1))
      [[ " ${NOT_IN_THE_LAB[*]} " == *" $name "* ]] && continue
      grep -qE "(^|[^A-Za-z0-9_])$name\(" "${sources[@]}" && continue
      ((${#lessons[@]} > 0)) && grep -qE "^\+.*(^|[^A-Za-z0-9_])$name\(" "${lessons[@]}" && continue
      problems+=("handouts/$(basename "$handout"): \`$name()\` is in none of: ${sources[*]#"$ROOT"/}")
    done < <(grep -o '`[A-Za-z_][A-Za-z0-9_]*()`' "$handout" | tr -d '`()' | sort -u)
  done
  ((count > 100)) || problems+=("only $count names found: the pattern is wrong")
  ((${#problems[@]} == 0)) || { printf '%s\n' "${problems[@]}"; false; }
}

# squeeze : whitespace runs as one space, each input line joined to the next.
squeeze() { tr -s ' \t\n' '   '; }

@test "every line of C a handout quotes is in its lab as it stands, or in a lesson's change" {
  local handout quote sources lessons problems=() count=0 code
  for handout in "$ROOT"/handouts/[0-9][0-9]-*.md; do
    read -r -a sources <<<"$(handout_sources "$(basename "$handout")" | tr '\n' ' ')"
    mapfile -t lessons < <(handout_lessons "$(basename "$handout")")
    code=$(
      cat "${sources[@]}" | squeeze
      echo
      ((${#lessons[@]} == 0)) || sed -n 's/^+//p' "${lessons[@]}" | squeeze
    )
    while IFS= read -r quote; do
      # C statements, not shell (a pipe, $(...), ./prog) nor an elided "...".
      [[ $quote =~ (\;|\{)$ || $quote =~ ^(if|while|for)\ \( ]] || continue
      [[ $quote == *...* || $quote =~ (^|[^|])\|([^|]|$) || $quote == *'$('* || $quote == *./* ]] && continue
      count=$((count + 1))
      quote=$(squeeze <<<"$quote" | sed 's/ $//')
      [[ $code == *"$quote"* ]] && continue
      # A call the student adds as a statement, whose result the lesson checks.
      [[ $quote =~ ^[a-z_]+\(.*\)\;$ && $code == *"${quote%;}"* ]] && continue
      problems+=("handouts/$(basename "$handout"): \`$quote\` is not in its lab's code nor in a lesson's change")
    done < <(grep -o '`[^`]*`' "$handout" | tr -d '`' | sort -u)
  done
  ((count > 10)) || problems+=("only $count quoted lines found: the pattern is wrong")
  ((${#problems[@]} == 0)) || { printf '%s\n' "${problems[@]}"; false; }
}
