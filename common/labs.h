/*
 * labs.h - the one header every lab shares: error reporting and checked I/O.
 *
 * Its name is one no system header has: <err.h> exists on glibc, the BSDs
 * and macOS, so a header called "err.h" built without -I would silently be
 * the system's. Built without -I, a lab now stops at once with
 * "labs.h: No such file or directory" ("file not found" with clang).
 *
 * Header-only (every function is static), so one program builds by hand:
 *     cc -I../../common -o server server.c
 * That suits the labs, which are one-file programs. A program split into
 * several .c files would get one copy of this header's state per file (the
 * program name, the exit_after_fork() choice): keep a lab in one file.
 *
 * Each lab includes the standard headers it uses itself; this one includes
 * only what its own functions need.
 *
 * Error reporting (all print "prog: what: why" on stderr):
 *     die(fmt, ...)            why = strerror(errno); exit 1
 *     die_errnum(en, fmt, ...) why = strerror(en), for calls that *return* an
 *                              error number (pthreads); exit 1
 *     die_msg(fmt, ...)        no "why" is added (gai_strerror() and friends
 *                              go in the message); exit 1
 *     warn_errno(fmt, ...)     like die() but returns: one connection failed,
 *                              the server goes on serving the others
 *     warn_msg(fmt, ...)       a warning with no "why"; returns
 *     usage_error(usage, fmt, ...)  a bad command line: the reason, then the
 *                              usage line; exit 2
 *     exit_after_fork()        call in a forked child: from then on the die
 *                              functions neither flush stdout nor leave with
 *                              exit() (they use _exit()), so stdio buffers
 *                              copied from the parent are not written twice
 *                              (a child flushes its own output itself, as
 *                              the labs' children do after each line)
 * Each message is formatted into one buffer and written with one write(2),
 * so lines from several threads or processes never mix mid-line.
 *
 * Checked helpers every lab needs (the notes' sendall, and the EINTR rule):
 *     write_all(fd, buf, len)  writes every byte despite short writes and EINTR
 *     read_some(fd, buf, len)  one read(), retried after EINTR
 *     read_exactly(fd, buf, len, &got)  reads until len bytes, end of file or
 *                              an error; got always says how many arrived
 *     parse_port(text)         a decimal port 0..65535, or -1
 */
#ifndef LABS_H
#define LABS_H

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

/* The longest message written, newline included; a longer one is cut short. */
#define ERR_MESSAGE_MAX 1024

/* The name errors are reported under, and whether we are a forked child. */
static const char *err_program = "lab";
static int err_in_forked_child = 0;

/* Remember argv[0] without its directory, for every later message. */
static inline void set_program_name(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    err_program = slash != NULL ? slash + 1 : argv0;
}

static inline void exit_after_fork(void)
{
    err_in_forked_child = 1;
}

static inline void err_leave(int status) ERR_NORETURN;
static inline void err_leave(int status)
{
    if (err_in_forked_child)
        _exit(status);
    exit(status);
}

/*
 * write() may write fewer bytes than asked (a socket's send buffer is full)
 * or be interrupted by a signal: loop until every byte is out.
 * Returns 0, or -1 with errno set. A write() that returns 0 for a non-empty
 * buffer made no progress and would make this loop spin for ever: it is
 * reported as an error, EIO.
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
        if (n == 0) {
            errno = EIO;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Print "prog: <message>[: <why>]" on stderr; why is skipped when NULL. */
static inline void err_print(const char *why, const char *fmt, va_list ap) ERR_PRINTF(2, 0);
static inline void err_print(const char *why, const char *fmt, va_list ap)
{
    char message[ERR_MESSAGE_MAX], line[ERR_MESSAGE_MAX];
    size_t len;
    int n;

    /*
     * Keep stdout and stderr in order on a terminal. Not in a forked child:
     * its stdout buffer is a copy of the parent's, which the parent will
     * write itself.
     */
    if (!err_in_forked_child)
        fflush(stdout);

    /* One buffer, one write(2): a message made of several stdio calls
     * could be cut in two by another thread's or process's message. */
    if (vsnprintf(message, sizeof message, fmt, ap) < 0)
        message[0] = '\0';
    n = snprintf(line, sizeof line - 1, "%s: %s%s%s", err_program, message, why != NULL ? ": " : "",
                 why != NULL ? why : "");
    if (n < 0)
        n = 0;
    len = (size_t)n < sizeof line - 1 ? (size_t)n : sizeof line - 2; /* cut if too long */
    line[len++] = '\n';
    (void)write_all(STDERR_FILENO, line, len); /* nowhere left to report */
}

static inline void die(const char *fmt, ...) ERR_PRINTF(1, 2) ERR_NORETURN;
static inline void die_errnum(int errnum, const char *fmt, ...) ERR_PRINTF(2, 3) ERR_NORETURN;
static inline void die_msg(const char *fmt, ...) ERR_PRINTF(1, 2) ERR_NORETURN;
static inline void warn_errno(const char *fmt, ...) ERR_PRINTF(1, 2);
static inline void warn_msg(const char *fmt, ...) ERR_PRINTF(1, 2);
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

static inline void warn_msg(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    err_print(NULL, fmt, ap);
    va_end(ap);
    errno = saved;
}

/* A bad command line is the user's mistake, not the system's: exit 2. */
static inline void usage_error(const char *usage, const char *fmt, ...)
{
    char line[ERR_MESSAGE_MAX];
    int n;
    va_list ap;
    va_start(ap, fmt);
    err_print(NULL, fmt, ap);
    va_end(ap);
    n = snprintf(line, sizeof line, "usage: %s %s\n", err_program, usage);
    if (n > 0)
        (void)write_all(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    err_leave(2);
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
 * Read until len bytes are in, the peer closes, or a read fails.
 * *got is always set to the number of bytes read, even on an error, so
 * a caller can use or report the part that did arrive.
 * Returns 0 (*got < len only at end of file), or -1 with errno set.
 */
static inline int read_exactly(int fd, void *buf, size_t len, size_t *got)
{
    char *p = buf;
    *got = 0;
    while (*got < len) {
        ssize_t n = read_some(fd, p + *got, len - *got);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        *got += (size_t)n;
    }
    return 0;
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
