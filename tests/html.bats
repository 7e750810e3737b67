#!/usr/bin/env bats
# make handouts: the handouts as web pages (tests/html/render.mjs), loaded in
# a real browser, Debian's headless Chromium (tests/html/check.mjs, one
# Chromium for every page): every diagram drawn, every link resolving,
# nothing asked of the network, and a screenshot of lab 1's page kept in
# handouts/html/screenshot.png (README.md shows a copy,
# tests/html/screenshot.png).
#
# Beside the real pages, the checker is given pages made from a broken
# handout (a diagram Mermaid cannot parse, links to a missing file and a
# missing anchor), and must find each fault: a checker that finds nothing
# would pass the real pages too.
#
# Without chromium the tests that load the pages are skipped (and say so);
# .ci/run installs it.

load helpers

# needs_chromium : skip the test without chromium (setup_file then ran no check).
needs_chromium() {
  [[ -f $BATS_FILE_TMPDIR/check.out ]] || skip "needs chromium"
}

# check_line REGEX : the checker printed a line matching REGEX.
check_line() {
  grep -qE -- "$1" "$BATS_FILE_TMPDIR/check.out" || fail "no line /$1/ in the checker's output:
$(cat "$BATS_FILE_TMPDIR/check.out")"
}

# no_check_line REGEX : it printed none.
no_check_line() {
  ! grep -E -- "$1" "$BATS_FILE_TMPDIR/check.out" || fail "the checker said the above"
}

# The handouts and the pages they become: handouts/README.md is index.html.
page_of() {
  local name=${1##*/}
  [[ $name == README.md ]] && echo "handouts/html/index.html" || echo "handouts/html/${name%.md}.html"
}

# A handout set with faults the checker must find, rendered to $1/html.
make_broken_handouts() {
  mkdir -p "$1"
  cat >"$1/README.md" <<'MD'
# Index

## Good anchor

[the broken handout](01-broken.md)
MD
  cat >"$1/01-broken.md" <<'MD'
# A broken handout

```mermaid
sequenceDiagram
    A->>B: a semicolon; ends the statement here
```

```mermaid
sequenceDiagram
    A->>B: this one is fine
```

[a missing file](../labs/no-such-lab/server.c), [a missing anchor](README.md#no-such-heading),
[a good anchor](README.md#good-anchor), [a good file](../Makefile).
MD
  # ../Makefile from the broken set is the checkout's Makefile.
  ln -s "$ROOT/Makefile" "$1/../Makefile" 2>/dev/null || true
  node "$ROOT/tests/html/render.mjs" --from "$1"
}

setup() {
  start_watchdog
  [[ ! -f $BATS_FILE_TMPDIR/missing ]] || skip "$(cat "$BATS_FILE_TMPDIR/missing")"
}

setup_file() {
  cd "$ROOT" || return 1
  # (no skip here: bats before 1.9, Debian 12's 1.8.2, fails a setup_file
  # that skips; each test skips instead, in setup)
  if ! command -v node >/dev/null; then
    echo "needs node (Node.js)" >"$BATS_FILE_TMPDIR/missing"
    return 0
  fi
  if [[ ! -f node_modules/.package-lock.json ]] && ! command -v npm >/dev/null; then
    echo "needs npm" >"$BATS_FILE_TMPDIR/missing"
    return 0
  fi
  # The whole file has deadlines: make handouts, then one Chromium for every
  # page (check.mjs stops it after HTML_CHECK_SECONDS, 480 s; a page may take 120).
  # Both are for a hang, far above what a page takes (HTML_CHECK_TIMES=1 says).
  local status=0
  timeout -k 5 300 make -s handouts >"$BATS_FILE_TMPDIR/make.out" 2>&1 || status=$?
  echo "$status" >"$BATS_FILE_TMPDIR/make.status"
  status=0
  [[ -x ${CHROMIUM:-/usr/bin/chromium} ]] || return 0 # the tests that need it say so
  make_broken_handouts "$BATS_FILE_TMPDIR/broken/handouts" >"$BATS_FILE_TMPDIR/broken.out" 2>&1 || return 1
  local pages=(handouts/html/*.html "$BATS_FILE_TMPDIR"/broken/handouts/html/*.html)
  local labs=(handouts/html/[0-9][0-9]-*.html)
  rm -f handouts/html/screenshot.png
  timeout -k 5 540 node tests/html/check.mjs --screenshot "${labs[0]}=handouts/html/screenshot.png" "${pages[@]}" \
    >"$BATS_FILE_TMPDIR/check.out" 2>"$BATS_FILE_TMPDIR/check.err" || status=$?
  echo "$status" >"$BATS_FILE_TMPDIR/check.status"
}

@test "make handouts makes a page of every handout, its diagrams and links in place, the mermaid bundle beside" {
  run cat "$BATS_FILE_TMPDIR/make.status"
  assert_output 0 || fail "make handouts failed: $(cat "$BATS_FILE_TMPDIR/make.out")"
  cmp node_modules/mermaid/dist/mermaid.min.js handouts/html/mermaid.min.js
  for handout in handouts/*.md; do
    page=$(page_of "$handout")
    [[ -f $page ]] || fail "no $page for $handout"
    # As many diagrams waiting to be drawn as the handout has ```mermaid blocks.
    blocks=$(grep -c '^```mermaid$' "$handout" || true)
    pres=$(grep -o '<pre class="mermaid"' "$page" | wc -l)
    ((blocks == pres)) || fail "$page has $pres diagrams, $handout $blocks"
    # Links to other handouts go to their pages, and nothing comes from the web.
    ! grep -nE 'href="[^":]*\.md(#[^"]*)?"' "$page" | grep -v 'href="\.\./' || fail "$page links a handout's .md"
    ! grep -nE '<(script|link|img)[^>]* (src|href)="(https?:)?//' "$page" || fail "$page loads something from the web"
  done
  # The transcripts are highlighted: a terminal's label, a command typed.
  grep -qF '<span class="term term-0">[server]</span><span class="prompt">$</span>' handouts/html/01-tcp-echo.html
}

@test "every page loads in Chromium, with no script error and nothing asked of the network" {
  needs_chromium
  check_line '^chromium pid [0-9]+$'
  for handout in handouts/*.md; do
    check_line "^loaded $(page_of "$handout")\$"
  done
  no_check_line '^error (chromium|handouts/[^ ]* load):'
  # Chromium and everything it started have exited (zombies wait for init).
  pid=$(sed -n 's/^chromium pid //p' "$BATS_FILE_TMPDIR/check.out")
  run ps -o pid=,stat=,args= -g "$pid"
  refute_output --regexp '^ *[0-9]+ +[^Z ]'
}

@test "every mermaid block of every handout is drawn as one SVG, with no Mermaid error" {
  needs_chromium
  for handout in handouts/*.md; do
    blocks=$(grep -c '^```mermaid$' "$handout" || true)
    check_line "^diagrams $(page_of "$handout") $blocks of $blocks drawn\$"
  done
  no_check_line '^error handouts/[^ ]* diagram:'
}

@test "every link and image of every page leads to a file of the checkout, or an anchor of a page" {
  needs_chromium
  for handout in handouts/*.md; do
    check_line "^links $(page_of "$handout") [1-9][0-9]* checked\$"
  done
  no_check_line '^error handouts/[^ ]* link:'
}

@test "the checker finds a diagram Mermaid cannot parse, a missing file and a missing anchor" {
  needs_chromium
  run cat "$BATS_FILE_TMPDIR/check.status"
  assert_output 1 # errors found (2 would be: it could not run)
  broken=$BATS_FILE_TMPDIR/broken/handouts/html/01-broken.html
  check_line "^error $broken diagram: diagram 1 failed: This diagram \(01-broken.md, line 5\) could not be drawn: Parse error on line 2:"
  check_line "^diagrams $broken 1 of 2 drawn\$"
  check_line "^error $broken link: \.\./\.\./labs/no-such-lab/server\.c: no such file"
  check_line "^error $broken link: index\.html#no-such-heading: index\.html has no id \"no-such-heading\"\$"
  # The good anchor and the good file are not faults.
  no_check_line "^error $broken link: (index\.html#good-anchor|\.\./\.\./Makefile)"
}

@test "a screenshot of lab 1's page, diagram included, is in handouts/html/screenshot.png" {
  needs_chromium
  check_line '^screenshot .*/handouts/html/screenshot\.png 1100x1400$'
  # A PNG, and not a blank one: text and a drawing compress to tens of KiB.
  run od -An -c -N 4 handouts/html/screenshot.png
  assert_output --partial 'P   N   G'
  size=$(wc -c <handouts/html/screenshot.png)
  ((size > 40000)) || fail "the screenshot is only $size bytes"
}
