/*
 * slow-reader.c - a reader that keeps the pipe on its stdin full, for the
 * reaper's test of log lines written while SIGCHLD arrives.
 *
 *   slow-reader BYTES MS     (stdin a pipe)
 *
 * It shrinks the pipe it reads to one page (Linux's F_SETPIPE_SZ), then
 * copies stdin to stdout BYTES bytes at a time, sleeping MS milliseconds
 * between reads: the writers on the other end of the pipe spend most of
 * their time blocked in write(), as behind "./server | less" with the
 * reader slower than the server. Linux only (tests/ may be).
 */
#include "labs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031 /* Linux's value; <fcntl.h> names it only with _GNU_SOURCE */
#endif
#define PIPE_SIZE 4096
#define MAX_CHUNK 65536

static const char usage[] = "BYTES MS";

static long number(const char *text, long max)
{
    char *end;
    long n;
    errno = 0;
    n = strtol(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || errno != 0 || *end != '\0' || n < 1 || n > max)
        usage_error(usage, "not a number from 1 to %ld: %s", max, text);
    return n;
}

int main(int argc, char *argv[])
{
    static char buf[MAX_CHUNK];
    struct timespec pause;
    long chunk, ms;
    ssize_t n;

    set_program_name(argv[0]);
    if (argc != 3)
        usage_error(usage, "two arguments expected");
    chunk = number(argv[1], MAX_CHUNK);
    ms = number(argv[2], 1000);
    pause.tv_sec = 0;
    pause.tv_nsec = ms * 1000000L;
    if (fcntl(STDIN_FILENO, F_SETPIPE_SZ, PIPE_SIZE) < 0)
        die("fcntl F_SETPIPE_SZ on stdin (not a pipe?)");
    while ((n = read_some(STDIN_FILENO, buf, (size_t)chunk)) > 0) {
        if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
            die("write");
        nanosleep(&pause, NULL);
    }
    if (n < 0)
        die("read");
    return EXIT_SUCCESS;
}
