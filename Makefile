# Socket programming labs in C. Run 'make help' for the targets.
#
# Every folder labs/<lab>/ with a Makefile is a lab: adding a lab means adding
# its folder (plus tests/<lab>.bats, tests/scenes/<lab>/ and its handout).
# Variables reach every lab's build (see labs/lab.mk):
#     make CC=clang   make WERROR=1   make SANITIZE=address,undefined
#     make check LAB=tcp-echo         (one lab's tests and lessons; FILTER=regex: some tests)
#     make demo LAB=reaper            (one lab's sessions)
#     make CFLAGS=-O0                 (your CFLAGS, CPPFLAGS, LDFLAGS: the build keeps its own)

LABS := $(sort $(patsubst labs/%/Makefile,%,$(wildcard labs/*/Makefile)))
BUILD_DIRS := $(addprefix labs/,$(LABS)) tests/tools tests/bench
C_SOURCES := $(wildcard common/*.h labs/*/*.c tests/tools/*.c tests/bench/*.c)

all: $(BUILD_DIRS)

$(BUILD_DIRS):
	$(MAKE) -C $@

check: all
	tests/run

demo: all
	tests/play demo $(LAB)

transcripts: all
	tests/play update

bench: all
	tests/bench/run

# make handouts: every handout as a web page in handouts/html/, diagrams drawn
# (tests/html/render.mjs). Its npm packages are pinned in package-lock.json:
# npm ci installs them when node_modules is missing or older than the lock.
handouts:
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  echo 'make handouts: installing the npm packages of package-lock.json (npm ci)'; \
	  npm ci --no-audit --no-fund --loglevel=error || exit 1; \
	fi
	node tests/html/render.mjs

# make lecture LAB=tcp-echo [AUTO=seconds] [SCENES="10 30"]: the lab's scenes
# played live in tmux panes, one step per key (see tests/lecture/run). exec:
# make's SIGTERM reaches the lecture itself, not a shell that would leave it
# running; q or Ctrl-C in the narration pane ends it with status 0.
lecture:
	@LECTURE_STEP_SECONDS='$(AUTO)' LECTURE_SCENES='$(SCENES)' exec tests/lecture/run '$(LAB)'

# make grade LAB=x SUBMISSIONS=DIR [OUT=DIR] [EXERCISE=N] [JOBS=N]: a class's
# submissions built and tested, each in a sandbox (see tests/grade/README.md).
grade:
	@LAB='$(LAB)' SUBMISSIONS='$(SUBMISSIONS)' OUT='$(OUT)' EXERCISE='$(EXERCISE)' JOBS='$(JOBS)' \
	  WERROR='$(WERROR)' CC='$(CC)' tests/grade/grade

format:
	clang-format -i $(C_SOURCES)

clean:
	for dir in $(BUILD_DIRS); do $(MAKE) -C $$dir clean || exit 1; done
	rm -rf handouts/html

help:
	@echo 'make              build every lab (labs/*/server and client)'
	@echo 'make demo         build, then run a narrated session of every lab (LAB=name: one lab)'
	@echo 'make check        build, then run every test and lesson (LAB=name: one lab; FILTER=regex)'
	@echo 'make transcripts  rewrite the handouts transcripts from a fresh run'
	@echo 'make bench        build, then measure every server design side by side'
	@echo 'make handouts     the handouts as web pages, diagrams drawn: open handouts/html/index.html'
	@echo 'make lecture LAB=tcp-echo  play a lab live in tmux panes, a step per key'
	@echo '                  (AUTO=2: a step every 2 s; SCENES="10 30": some scenes)'
	@echo 'make grade LAB=tcp-echo SUBMISSIONS=DIR  grade a class, each submission sandboxed'
	@echo '                  (OUT=DIR, EXERCISE=N, JOBS=N; see tests/grade/README.md)'
	@echo 'make format       format the C sources with clang-format'
	@echo 'make clean        remove everything the build made'

.PHONY: all check demo transcripts bench handouts lecture grade format clean help $(BUILD_DIRS)
