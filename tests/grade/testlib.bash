# tests/grade/testlib.bash - what tests/grade.bats and tests/grade-sandbox.bats
# share: submissions made from the lab, the grader's processes, well-formed
# outputs. Loaded after tests/helpers.bash.

# shellcheck disable=SC2034 # used by the test files that load this one
GRADE="$ROOT/tests/grade/grade"
# A class takes minutes on a busy machine; each command below has its own
# timeout, and the test's watchdog (tests/helpers.bash) a longer one.
# shellcheck disable=SC2034 # read by the watchdog of tests/helpers.bash
TEST_DEADLINE=900
eval "helpers_$(declare -f teardown)"

# submission NAME [PATCH] : a folder of the class holding the lab's sources
# (PATCH, a lesson of tests/lessons/tcp-echo, applied with patch).
submission() {
  local dir=$CLASS_SRC/$1
  mkdir -p "$dir"
  cp "$ROOT"/labs/tcp-echo/*.c "$dir/"
  if [[ -n ${2:-} ]]; then
    patch -s -d "$dir" -p1 <"$ROOT/tests/lessons/tcp-echo/$2.patch" || return 1
  fi
}

# hostile NAME BODY : a submission whose server runs the C statements BODY
# first thing in main() (fcntl.h and sys/stat.h included).
hostile() {
  submission "$1"
  {
    printf '#include <fcntl.h>\n#include <sys/stat.h>\n'
    BODY=$2 awk '
      /^int main\(/ { print "static void hostile(void)\n{\n" ENVIRON["BODY"] "\n}\n"; in_main = 1 }
      { print }
      in_main && /^\{$/ { print "    hostile();"; in_main = 0 }' "$ROOT/labs/tcp-echo/server.c"
  } >"$CLASS_SRC/$1/server.c"
}

# grade_processes : every process still running a program of one of this
# file's sandboxes: as one of its uids (GRADE_UID_BASE + 1, + 2...), or from
# the scratch folder named after that uid (/tmp/grade-UID/...; without root
# the programs run as the grader's own uid). Each file has a range of its
# own, so that two files grading at once do not see each other's.
grade_processes() {
  ps -eo pid=,uid=,args= | awk -v lo="$GRADE_UID_BASE" '
    { uid = $2 + 0; scratch = 0
      if (match($0, / \/tmp\/grade-[0-9]+\//)) scratch = substr($0, RSTART + 12, RLENGTH - 13) + 0 }
    (uid > lo && uid < lo + 100000) || (scratch > lo && scratch < lo + 100000) { print }'
}

# valid_json FILE, valid_xml FILE : well-formed, or fail saying why. JSON
# with node, python3 or perl's own JSON::PP (perl is a prerequisite); XML with
# xmllint or python3 (a test that checks XML skips first without either).
valid_json() {
  if command -v node >/dev/null; then
    node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$1"
  elif command -v python3 >/dev/null; then
    python3 -m json.tool "$1" >/dev/null
  else
    perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or die "$!\n"; JSON::PP->new->decode(<$f>)' "$1"
  fi || fail "$1 is not valid JSON"
}
valid_xml() {
  if command -v xmllint >/dev/null; then
    xmllint --noout "$1"
  else
    python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$1"
  fi || fail "$1 is not well-formed XML"
}

# csv_row STUDENT : that student's row of grades.csv.
csv_row() { grep "^$1," "$OUT/grades.csv"; }

setup() {
  start_watchdog
  CLASS_SRC=$BATS_TEST_TMPDIR/src
  CLASS=$BATS_TEST_TMPDIR/class
  OUT=$BATS_TEST_TMPDIR/out
  mkdir -p "$CLASS_SRC" "$CLASS"
  TOKEN=escaped-$$-$RANDOM
}

teardown() {
  rm -f "$ROOT/$TOKEN" "${HOME:-/nonexistent}/$TOKEN" "/tmp/$TOKEN" "/var/tmp/$TOKEN" "/dev/shm/$TOKEN"
  helpers_teardown
}

