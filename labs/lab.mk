# lab.mk - the build rules every lab shares. A lab's Makefile names its
# programs and includes this file:
#
#     PROGRAMS = server client
#     include ../lab.mk
#
# Variables (on the command line or in the environment):
#     CC=clang                      another compiler
#     CFLAGS, CPPFLAGS, LDFLAGS, LDLIBS   yours, as GNU make conventions
#                                   promise: make CFLAGS=-O0 keeps everything
#                                   the build needs (default CFLAGS: -O2 -g)
#     WERROR=1                      warnings become errors
#     SANITIZE=address,undefined    build with sanitizers (also: thread)
#     THREADS=1                     (set by a lab's Makefile) build with -pthread

COMMON := $(dir $(lastword $(MAKEFILE_LIST)))../common

CFLAGS ?= -O2 -g

# What the build needs lives in variables of its own, so that a CFLAGS
# given on the command line (which replaces the makefile's CFLAGS) cannot
# lose it. The user's flags come after ours, so they win where both speak.
LAB_CPPFLAGS := -D_POSIX_C_SOURCE=200809L -I$(COMMON)
LAB_CFLAGS := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
              -Wmissing-prototypes -Wformat=2
LAB_LDFLAGS :=
ifneq ($(WERROR),)
LAB_CFLAGS += -Werror
endif
ifneq ($(SANITIZE),)
LAB_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LAB_LDFLAGS += -fsanitize=$(SANITIZE)
endif
# Each program compiles and links in one command: -pthread once serves both.
ifneq ($(THREADS),)
LAB_CFLAGS += -pthread
endif

BUILD := $(CC) $(LAB_CPPFLAGS) $(CPPFLAGS) $(LAB_CFLAGS) $(CFLAGS) $(LAB_LDFLAGS) $(LDFLAGS)

# Rebuild when the compiler or the flags change (make SANITIZE=... after a
# plain make), not only when a source file does. The flags file is written
# by a recipe, only when its content differs: make -n and make clean leave
# it alone, and an unchanged file keeps its time, so nothing is rebuilt.
FLAGS_FILE := .build-flags
BUILD_FLAGS := $(strip $(BUILD) $(LDLIBS))

all: $(PROGRAMS)

$(PROGRAMS): %: %.c $(COMMON)/labs.h $(FLAGS_FILE)
	$(BUILD) -o $@ $< $(LDLIBS)

$(FLAGS_FILE): FORCE
	@printf '%s\n' '$(BUILD_FLAGS)' | cmp -s - $@ || printf '%s\n' '$(BUILD_FLAGS)' >$@

clean:
	rm -f $(PROGRAMS) $(FLAGS_FILE)

FORCE:

.PHONY: all clean FORCE
