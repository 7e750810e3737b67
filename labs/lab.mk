# lab.mk - the build rules every lab shares. A lab's Makefile names its
# programs and includes this file:
#
#     PROGRAMS = server client
#     include ../lab.mk
#
# Variables (on the command line or in the environment):
#     CC=clang                      another compiler
#     WERROR=1                      warnings become errors
#     SANITIZE=address,undefined    build with sanitizers (also: thread)
#     THREADS=1                     (set by a lab's Makefile) link with -pthread

COMMON := $(dir $(lastword $(MAKEFILE_LIST)))../common

CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_POSIX_C_SOURCE=200809L -I$(COMMON)
CFLAGS += -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
          -Wmissing-prototypes -Wformat=2
ifneq ($(WERROR),)
CFLAGS += -Werror
endif
ifneq ($(SANITIZE),)
CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif
ifneq ($(THREADS),)
CFLAGS += -pthread
LDLIBS += -pthread
endif

# Rebuild when the compiler or the flags change (make SANITIZE=... after a
# plain make), not only when a source file does.
FLAGS_FILE := .build-flags
BUILD_FLAGS := $(CC) $(CFLAGS) $(LDFLAGS) $(LDLIBS)
ifneq ($(shell cat $(FLAGS_FILE) 2>/dev/null),$(strip $(BUILD_FLAGS)))
$(shell echo '$(strip $(BUILD_FLAGS))' > $(FLAGS_FILE))
endif

all: $(PROGRAMS)

$(PROGRAMS): %: %.c $(COMMON)/labs.h $(FLAGS_FILE)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

clean:
	rm -f $(PROGRAMS) $(FLAGS_FILE)

.PHONY: all clean
