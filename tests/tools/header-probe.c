/*
 * header-probe.c - exercise common/labs.h the way the labs use it, for
 * tests/common.bats.
 *
 *   header-probe lines N    two threads each write N warnings at once; every
 *                           line on stderr must come out whole
 *   header-probe fork-die   print a line to stdout (not yet flushed: stdout
 *                           is a pipe or file), fork; the child calls
 *                           exit_after_fork() and dies: the parent's line must
 *                           appear once, from the parent, not twice
 *   header-probe read-exactly  read_exactly() asks for 10 bytes from a pipe
 *                           holding 3: at end of file it returns 0, when a
 *                           later read fails it returns -1; both times it
 *                           must say that 3 bytes arrived, and which
 *
 * Nothing is faked: these are the header's own functions on real
 * descriptors, threads and processes.
 */
#include "labs.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] = "lines N | fork-die | read-exactly";

struct writer {
    pthread_t thread;
    char name;
    long count;
};

/* N warnings, long enough that a message written piece by piece would
   give another thread time to cut in. */
static void *write_warnings(void *arg)
{
    const struct writer *w = arg;
    long i;
    for (i = 0; i < w->count; i++) {
        errno = EAGAIN;
        warn_errno("writer %c, warning %ld of %ld, a line that must stay whole", w->name, i + 1,
                   w->count);
    }
    return NULL;
}

static int two_writers(long count)
{
    struct writer writers[2] = {{.name = 'A', .count = count}, {.name = 'B', .count = count}};
    int i, rc;
    for (i = 0; i < 2; i++) {
        rc = pthread_create(&writers[i].thread, NULL, write_warnings, &writers[i]);
        if (rc != 0)
            die_errnum(rc, "pthread_create");
    }
    for (i = 0; i < 2; i++) {
        rc = pthread_join(writers[i].thread, NULL);
        if (rc != 0)
            die_errnum(rc, "pthread_join");
    }
    return EXIT_SUCCESS;
}

static int child_dies(void)
{
    pid_t pid;
    int status;
    printf("the parent's line, printed before fork and not flushed\n");
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        exit_after_fork();
        die_msg("the child gives up");
    }
    if (waitpid(pid, &status, 0) < 0)
        die("waitpid");
    printf("the child exited with status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return EXIT_SUCCESS; /* exit() flushes the parent's lines, once */
}

/* Ask for 10 bytes from a pipe that holds "abc"; report what came back. */
static void read_ten(const char *how, int nonblocking)
{
    char buf[10];
    size_t got = 99;
    int p[2], rc;
    if (pipe(p) < 0)
        die("pipe");
    if (nonblocking && fcntl(p[0], F_SETFL, O_NONBLOCK) < 0)
        die("fcntl");
    if (write_all(p[1], "abc", 3) < 0)
        die("write");
    if (!nonblocking && close(p[1]) < 0) /* end of file after the 3 bytes */
        die("close");
    rc = read_exactly(p[0], buf, sizeof buf, &got);
    printf("%s: returned %d (%s), got %zu: %.*s\n", how, rc, rc < 0 ? strerror(errno) : "no error",
           got, (int)(got < sizeof buf ? got : sizeof buf), buf);
    (void)close(p[0]);
    if (nonblocking)
        (void)close(p[1]);
}

int main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    if (argc == 3 && strcmp(argv[1], "lines") == 0) {
        char *end;
        long count = strtol(argv[2], &end, 10);
        if (*end != '\0' || count < 1)
            usage_error(usage, "not a count: %s", argv[2]);
        return two_writers(count);
    }
    if (argc == 2 && strcmp(argv[1], "fork-die") == 0)
        return child_dies();
    if (argc == 2 && strcmp(argv[1], "read-exactly") == 0) {
        read_ten("end of file", 0);
        /* The writer stays open: the second read fails with EAGAIN. */
        read_ten("a failed read", 1);
        return EXIT_SUCCESS;
    }
    usage_error(usage, "what to probe?");
}
