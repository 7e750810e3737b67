/*
 * err.h - the one header every lab shares: error reporting and checked I/O.
 *
 * Header-only (every function is static), so one program builds by hand:
 *     cc -I../../common -o server server.c
 *
 * Error reporting (all print "prog: what: why" on stderr):
 *     die(fmt, ...)            why = strerror(errno); exit 1
 *     die_errnum(en, fmt, ...) why = strerror(en), for calls that *return* an
 *                              error number (pthreads); exit 1
 *     die_msg(fmt, ...)        no "why" is added (gai_strerror() and friends
 *                              go in the message); exit 1
 *     warn_errno(fmt, ...)     like die() but returns: one connection failed,
 *                              the server goes on serving the others
 *     usage_error(usage, fmt, ...)  a bad command line: the reason, then the
 *                              usage line; exit 2
 *     exit_after_fork()        call in a forked child: from then on the die
 *                              functions leave with _exit(), so stdio buffers
 *                              copied from the parent are not flushed twice
 *
 * Checked helpers every lab needs (the notes' sendall, and the EINTR rule):
 *     write_all(fd, buf, len)  writes every byte despite short writes and EINTR
 *     read_some(fd, buf, len)  one read(), retried after EINTR
 *     read_exactly(fd, buf, len)  reads until len bytes or end of file
 *     parse_port(text)         a decimal port 0..65535, or -1
 */
#ifndef LABS_ERR_H
#define LABS_ERR_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#if defined(__GNUC__)
#define ERR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ERR_NORETURN __attribute__((noreturn))
#else
#define ERR_PRINTF(f, a)
#define ERR_NORETURN
#endif

/* The name errors are reported under, and how they leave. */
static const char *err_program = "lab";
static int err_use__exit = 0;

/* Remember argv[0] without its directory, for every later message. */
static inline void set_program_name(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    err_program = slash != NULL ? slash + 1 : argv0;
}

static inline void exit_after_fork(void)
{
    err_use__exit = 1;
}

static inline void err_leave(int status) ERR_NORETURN;
static inline void err_leave(int status)
{
    if (err_use__exit)
        _exit(status);
    exit(status);
}

/* Print "prog: <message>[: <why>]" on stderr; why is skipped when NULL. */
static inline void err_print(const char *why, const char *fmt, va_list ap) ERR_PRINTF(2, 0);
static inline void err_print(const char *why, const char *fmt, va_list ap)
{
    fflush(stdout); /* keep stdout and stderr in order on a terminal */
    fprintf(stderr, "%s: ", err_program);
    vfprintf(stderr, fmt, ap);
    if (why != NULL)
        fprintf(stderr, ": %s", why);
    fputc('\n', stderr);
}

static inline void die(const char *fmt, ...) ERR_PRINTF(1, 2) ERR_NORETURN;
static inline void die_errnum(int errnum, const char *fmt, ...) ERR_PRINTF(2, 3) ERR_NORETURN;
static inline void die_msg(const char *fmt, ...) ERR_PRINTF(1, 2) ERR_NORETURN;
static inline void warn_errno(const char *fmt, ...) ERR_PRINTF(1, 2);
static inline void usage_error(const char *usage, const char *fmt, ...)
    ERR_PRINTF(2, 3) ERR_NORETURN;

static inline void die(const char *fmt, ...)
{
    const char *why = strerror(errno); /* before anything can change errno */
    va_list ap;
    va_start(ap, fmt);
    err_print(why, fmt, ap);
    va_end(ap);
    err_leave(EXIT_FAILURE);
}

static inline void die_errnum(int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_print(strerror(errnum), fmt, ap);
    va_end(ap);
    err_leave(EXIT_FAILURE);
}

static inline void die_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_print(NULL, fmt, ap);
    va_end(ap);
    err_leave(EXIT_FAILURE);
}

static inline void warn_errno(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    err_print(strerror(saved), fmt, ap);
    va_end(ap);
    errno = saved;
}

/* A bad command line is the user's mistake, not the system's: exit 2. */
static inline void usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_print(NULL, fmt, ap);
    va_end(ap);
    fprintf(stderr, "usage: %s %s\n", err_program, usage);
    err_leave(2);
}

/*
 * write() may write fewer bytes than asked (a socket's send buffer is full)
 * or be interrupted by a signal: loop until every byte is out.
 * Returns 0, or -1 with errno set.
 */
static inline int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* One read(), retried if a signal interrupts it. 0 means end of file. */
static inline ssize_t read_some(int fd, void *buf, size_t len)
{
    ssize_t n;
    do
        n = read(fd, buf, len);
    while (n < 0 && errno == EINTR);
    return n;
}

/*
 * TCP keeps no record boundaries: a reply may arrive in several pieces.
 * Read until len bytes are in or the peer closes. Returns the number of
 * bytes read (less than len only at end of file), or -1 with errno set.
 */
static inline ssize_t read_exactly(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read_some(fd, p + got, len - got);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* A port is a decimal number 0..65535 (0: let the kernel choose). */
static inline long parse_port(const char *text)
{
    char *end;
    long port;
    if (text[0] < '0' || text[0] > '9') /* strtol would accept " -1" */
        return -1;
    errno = 0;
    port = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || port > 65535)
        return -1;
    return port;
}

#endif
