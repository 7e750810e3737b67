# tests/grade/score.awk - one student's scores, from the TAP of their test
# runs (tests/grade/grade calls it). Arguments: the TAP files K.tap and
# K.rerun.tap of every bats file K of the plan. Variables: student, lab,
# exercise, build (ok|warnings|failed|missing|timeout), warnings, expected
# (the tests of file 1 that must fail), either (those that may fail or
# pass), tests ("K<tab>points<tab>name" for every test), plan (the bats
# files), dest (where results.json, junit.xml go; log.txt gets the failing
# tests' output appended), buildlog, timeouts.
#
# A test passes when its outcome is the expected one (must fail: fails;
# otherwise: passes). One whose first outcome is not that, but whose re-run's
# is, passes and is reported flaky. A skipped test (a tool missing on the
# grading machine) is scored as passed and reported skipped. Prints the
# student's row, then "T<tab>test<tab>passed|failed" a test, then
# "E<tab>student<tab>first error" for a build that failed.

function esc_json(s,    out, i, c, n) {
  out = ""
  n = length(s)
  for (i = 1; i <= n; i++) {
    c = substr(s, i, 1)
    if (c == "\\") out = out "\\\\"
    else if (c == "\"") out = out "\\\""
    else if (c == "\n") out = out "\\n"
    else if (c == "\t") out = out "\\t"
    else if (c < " ") continue
    else out = out c
  }
  return "\"" out "\""
}
function esc_xml(s,    out, i, c, n) {
  out = ""
  n = length(s)
  for (i = 1; i <= n; i++) {
    c = substr(s, i, 1)
    if (c == "&") out = out "&amp;"
    else if (c == "<") out = out "&lt;"
    else if (c == ">") out = out "&gt;"
    else if (c == "\"") out = out "&quot;"
    else if (c < " " && c != "\n" && c != "\t") continue
    else out = out c
  }
  return out
}
function clip(s, limit) {
  return length(s) > limit ? substr(s, 1, limit) "\n[... cut at " limit " characters: see log.txt]" : s
}

FNR == 1 {
  k = FILENAME; sub(/\.tap$/, "", k); again = (k ~ /\.rerun$/); sub(/\.rerun$/, "", k); sub(/.*\//, "", k)
  current = ""
}
/^(not )?ok [0-9]+ / {
  status = ($1 == "not") ? "not ok" : "ok"
  line = $0; sub(/^(not )?ok [0-9]+ /, "", line)
  reason = ""
  if (line ~ / # skip/) { status = "skip"; reason = line; sub(/.* # skip ?/, "", reason) }
  sub(/ # (skip|timeout).*$/, "", line)
  current = k SUBSEP again SUBSEP line
  result[current] = status
  diag[current] = (status == "skip") ? reason : ""
  next
}
/^# / && current != "" { diag[current] = diag[current] substr($0, 3) "\n"; next }
/^1\.\.[0-9]+$/ { next }
{ if (current != "") diag[current] = diag[current] $0 "\n"; else other[k] = other[k] $0 "\n" }

END {
  while ((getline line < expected) > 0) mustfail[line] = 1
  while ((getline line < either) > 0) maybe[line] = 1
  nplan = 0
  while ((getline line < plan) > 0) planfile[++nplan] = line
  built = (build == "ok" || build == "warnings")
  firsterr = ""
  if (!built) {
    n = 0
    while ((getline line < buildlog) > 0) {
      all[++n] = line
      if (line ~ /error:|Error [0-9]|undefined reference/ && nerr < 15) errs[++nerr] = line
    }
    if (nerr == 0) for (i = (n > 15 ? n - 14 : 1); i <= n; i++) errs[++nerr] = all[i]
    for (i = 1; i <= nerr; i++) firsterr = firsterr errs[i] "\n"
    if (nerr > 0) first = errs[1]
  }
  timetext = ""
  while ((getline line < timeouts) > 0) timetext = timetext line "\n"

  ntests = 0; score = 0; max = 0; passed = 0; failed = 0; flaky = 0; skipped = 0
  while ((getline line < tests) > 0) {
    split(line, f, "\t")
    tk = f[1]; w = f[2] + 0; name = line; sub(/^[^\t]*\t[^\t]*\t/, "", name)
    shown = (tk == 1) ? name : planfile[tk] ": " name
    sub(/^tests\/lessons\/[^\/]*\//, "", shown)
    want = (tk == 1 && (name in mustfail)) ? "not ok" : "ok"
    r1 = tk SUBSEP 0 SUBSEP name; r2 = tk SUBSEP 1 SUBSEP name
    s1 = (r1 in result) ? result[r1] : "missing"
    s2 = (r2 in result) ? result[r2] : "missing"
    isflaky = 0; isskip = 0; out = ""
    if (!built) {
      ok = 0
      out = (build == "missing") ? "no submission to test" : (build == "timeout") ? "the build took too long" : "the build failed"
    } else if (s1 == "skip") {
      ok = 1; isskip = 1; out = "skipped on the grading machine: " diag[r1]
    } else if (tk == 1 && (name in maybe) && s1 != "missing") {
      ok = 1
      if (s1 != "ok") out = "failed, which exercise " exercise " allows (its outcome depends on timing or on a sanitizer build)\n" diag[r1]
    } else if (s1 == want) {
      ok = 1
      if (want == "not ok") out = "fails, as exercise " exercise " says it must"
    } else if (s2 == want) {
      ok = 1; isflaky = 1
      out = "flaky: " (want == "ok" ? "failed" : "passed") " once, then " (want == "ok" ? "passed" : "failed") " when run again\n" diag[r1]
    } else {
      ok = 0
      if (s1 == "missing") out = "not run: " (timetext != "" ? timetext : "the test run ended before it\n" other[tk])
      else if (want == "not ok") out = "passed, but exercise " exercise " says this test must fail (twice)"
      else out = (s2 != "missing" ? diag[r2] : diag[r1])
    }
    ntests++
    tname[ntests] = shown; tmax[ntests] = w; tok[ntests] = ok; tout[ntests] = out
    tflaky[ntests] = isflaky; tskip[ntests] = isskip
    max += w
    if (ok) { score += w; passed++ } else failed++
    flaky += isflaky; skipped += isskip
  }

  summary = "build: " build
  if (warnings > 0) summary = summary " (" warnings " warning(s))"
  summary = summary "\npassed " passed ", failed " failed
  if (flaky) summary = summary ", flaky " flaky " (scored as passed)"
  if (skipped) summary = summary ", skipped " skipped " (scored as passed)"
  if (firsterr != "") summary = summary "\n\nfirst errors:\n" firsterr
  if (timetext != "") summary = summary "\n" timetext

  json = dest "/results.json"
  printf "{\n  \"score\": %g,\n  \"output\": %s,\n  \"tests\": [", score, esc_json(summary) > json
  for (i = 1; i <= ntests; i++) {
    printf "%s\n    {\"name\": %s, \"score\": %g, \"max_score\": %g, \"status\": \"%s\", \"output\": %s}", \
      (i > 1 ? "," : ""), esc_json(tname[i]), tok[i] ? tmax[i] : 0, tmax[i], tok[i] ? "passed" : "failed", \
      esc_json(clip(tout[i], 4000)) > json
  }
  printf "\n  ]\n}\n" > json
  close(json)

  xml = dest "/junit.xml"
  printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" > xml
  printf "<testsuites>\n<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" skipped=\"%d\">\n", \
    esc_xml(lab (exercise != "" ? " exercise " exercise : "")), ntests, failed, skipped > xml
  if (!built) printf "<system-out>%s</system-out>\n", esc_xml(summary) > xml
  for (i = 1; i <= ntests; i++) {
    printf "<testcase classname=\"%s\" name=\"%s\">", esc_xml(lab), esc_xml(tname[i]) > xml
    if (!tok[i]) printf "<failure message=\"failed\">%s</failure>", esc_xml(clip(tout[i], 4000)) > xml
    else if (tskip[i]) printf "<skipped message=\"%s\"/>", esc_xml(tout[i]) > xml
    else if (tflaky[i]) printf "<system-out>%s</system-out>", esc_xml(clip(tout[i], 4000)) > xml
    printf "</testcase>\n" > xml
  }
  printf "</testsuite>\n</testsuites>\n" > xml
  close(xml)

  logf = dest "/log.txt"
  printf "\n== tests: %s\n", summary >> logf
  for (i = 1; i <= ntests; i++) {
    if (tok[i] && !tflaky[i]) continue
    printf "\n-- %s: %s\n%s\n", tok[i] ? "FLAKY" : "FAILED", tname[i], tout[i] >> logf
  }
  close(logf)

  printf "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%g\t%g\n", student, build, warnings, passed, failed, flaky, skipped, score, max
  for (i = 1; i <= ntests; i++) printf "T\t%s\t%s\n", tname[i], tok[i] ? "passed" : "failed"
  if (first != "") { gsub(/`/, "'", first); gsub(/\|/, "/", first); printf "E\t%s\t%s\n", student, first }
}
