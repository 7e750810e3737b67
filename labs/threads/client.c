/*
 * threads/client.c - the echo client, and with -t N, N clients at once.
 *
 * Without -t it is the base client: it sends each line of standard input
 * (newline included), prints the reply, and ends at a q or Q line or at end
 * of input. With -t N it first reads all of standard input into memory,
 * then starts N threads; each opens its own connection, sends every line
 * and prints each reply as "[thread i] REPLY". The lines are shared by all
 * threads read-only, so they need no lock; standard output is shared and
 * written to, so each reply line is printed while holding its lock, and two
 * threads' lines never mix. The main thread joins every thread (they are
 * joinable here, unlike the server's) to know how each one ended.
 * Notes 001 "Creating threads in Python", "Echo Client". Where Python
 * passes Thread(target=f, args=[...]), C passes pthread_create() one
 * pointer: here to each thread's struct talker.
 *
 * Try it:  ./client                     talk to 127.0.0.1 or ::1 port 5300
 *          printf 'a\nb\n' | ./client -t 3     three connections at once
 *
 * Usage:   client [-t N] [HOST [PORT]]      (default localhost 5300)
 */
#include "labs.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT "5300"
#define MAX_THREADS 1000
/* Lines go out in chunks, each echoed back before the next is sent, so a
   huge line never fills both directions' buffers at once and deadlocks. */
#define CHUNK_SIZE 16384

static const char usage[] = "[-t N] [HOST [PORT]]";

/* What every thread reads and none writes: set up before they start. */
struct job {
    const char *host, *port;
    struct addrinfo *servers; /* every address of host, to try in turn */
    char *lines;              /* all of standard input, up to a q line */
    size_t len;
    size_t longest; /* the longest line, to size each thread's reply buffer */
};

/* One thread's own data: only that thread writes it until it is joined. */
struct talker {
    pthread_t thread;
    int number; /* 1..N, the i of "[thread i]" */
    const struct job *job;
    int failed;
};

/* The lesson, first below: main() and these. */
static long talk_in_threads(const char *host, const char *port, long count);
static void *talker_main(void *arg);
static void talk_all_lines(struct talker *t, int sock, char *reply);
static int print_reply(const struct talker *t, const char *reply, size_t len);
static void thread_warning(const struct talker *t, const char *what, int errnum);

/* Not the lesson: the one-connection client of tcp-echo, and reading input, further down. */
static void talk_alone(const char *host, const char *port);
static void read_all_lines(struct job *job);
static long parse_thread_count(const char *text);
static struct addrinfo *resolve(const char *host, const char *port);
static int connect_to_any(const struct addrinfo *list);
static int echo_line(int sock, const char *line, size_t len, char *reply, const char **what);

/* Same in every lab, further down. */
static int is_quit(const char *line, size_t len);

int main(int argc, char *argv[])
{
    const char *host = DEFAULT_HOST, *port = DEFAULT_PORT;
    long threads = 0;
    int c;

    set_program_name(argv[0]);
    while ((c = getopt(argc, argv, "t:")) != -1) {
        if (c != 't')
            usage_error(usage, "unknown option or missing argument");
        threads = parse_thread_count(optarg);
    }
    if (argc - optind > 2)
        usage_error(usage, "too many arguments");
    if (argc - optind > 0)
        host = argv[optind];
    if (argc - optind > 1)
        port = argv[optind + 1];
    if (parse_port(port) < 0)
        usage_error(usage, "bad port '%s': not a number from 0 to 65535", port);

    /* If the server goes away, send() should fail with EPIPE and a message,
       not kill the client silently with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    if (threads == 0) {
        talk_alone(host, port);
        return EXIT_SUCCESS;
    }
    return talk_in_threads(host, port, threads) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* -t N: start N talkers, wait for all of them. Returns how many failed. */
static long talk_in_threads(const char *host, const char *port, long count)
{
    struct job job = {host, port, NULL, NULL, 0, 0};
    struct talker *talkers = calloc((size_t)count, sizeof *talkers);
    long started, failed = 0, i;
    int rc = 0;

    if (talkers == NULL)
        die("calloc");
    job.servers = resolve(host, port);
    read_all_lines(&job);
    for (started = 0; started < count; started++) {
        talkers[started].number = (int)started + 1;
        talkers[started].job = &job;
        rc = pthread_create(&talkers[started].thread, NULL, talker_main, &talkers[started]);
        if (rc != 0)
            break;
    }
    if (rc != 0) { /* join the threads already running before saying so */
        errno = rc;
        warn_errno("pthread_create for thread %ld of %ld", started + 1, count);
        failed++;
    }
    for (i = 0; i < started; i++) {
        rc = pthread_join(talkers[i].thread, NULL);
        if (rc != 0)
            die_errnum(rc, "pthread_join");
        failed += talkers[i].failed;
    }
    freeaddrinfo(job.servers);
    free(job.lines);
    free(talkers);
    return failed;
}

/* The body of each thread. It reports its errors and sets t->failed
   instead of exiting: exit() would end the other threads mid-line. */
static void *talker_main(void *arg)
{
    struct talker *t = arg;
    char *reply = malloc(t->job->longest > 0 ? t->job->longest : 1);
    char what[256];
    int sock;

    if (reply == NULL) {
        thread_warning(t, "malloc", errno);
        t->failed = 1;
        return NULL;
    }
    sock = connect_to_any(t->job->servers);
    if (sock < 0) {
        snprintf(what, sizeof what, "connect to %s port %s", t->job->host, t->job->port);
        thread_warning(t, what, errno);
        t->failed = 1;
    } else {
        talk_all_lines(t, sock, reply);
        if (close(sock) < 0) {
            thread_warning(t, "close", errno);
            t->failed = 1;
        }
    }
    free(reply);
    return NULL;
}

/* Send every line over this thread's own connection, print each echo. */
static void talk_all_lines(struct talker *t, int sock, char *reply)
{
    const struct job *job = t->job;
    const char *what = NULL;
    size_t at = 0;
    while (at < job->len && !t->failed) {
        const char *end = memchr(job->lines + at, '\n', job->len - at);
        size_t len = end != NULL ? (size_t)(end - job->lines - at) + 1 : job->len - at;
        if (echo_line(sock, job->lines + at, len, reply, &what) < 0) {
            thread_warning(t, what, errno);
            t->failed = 1;
        } else if (print_reply(t, reply, len) < 0) {
            thread_warning(t, "write to stdout", errno);
            t->failed = 1;
        }
        at += len;
    }
}

/* "[thread i] REPLY" as one unit: stdout stays locked for the whole line. */
static int print_reply(const struct talker *t, const char *reply, size_t len)
{
    int ok;
    flockfile(stdout);
    ok = printf("[thread %d] ", t->number) > 0 && fwrite(reply, 1, len, stdout) == len;
    if (ok && (len == 0 || reply[len - 1] != '\n')) /* a last line without one */
        ok = putchar('\n') != EOF;
    if (ok)
        ok = fflush(stdout) != EOF;
    funlockfile(stdout);
    return ok ? 0 : -1;
}

/*
 * A thread's error message. No lock is needed: labs.h writes each message
 * with one write(2), so another thread's cannot land in the middle.
 */
static void thread_warning(const struct talker *t, const char *what, int errnum)
{
    if (errnum != 0) {
        errno = errnum;
        warn_errno("[thread %d] %s", t->number, what);
    } else {
        warn_msg("[thread %d] %s", t->number, what);
    }
}

/* ------------------------------------------------------------------------
 * Not the lesson: the one-connection client of tcp-echo, and reading input
 */

/* The base client: one connection, line by line, as in tcp-echo. */
static void talk_alone(const char *host, const char *port)
{
    struct addrinfo *servers = resolve(host, port);
    int prompt = isatty(STDIN_FILENO), sock = connect_to_any(servers);
    char *line = NULL, reply[CHUNK_SIZE];
    const char *what;
    size_t cap = 0;
    ssize_t len;

    if (sock < 0)
        die("connect to %s port %s", host, port);
    freeaddrinfo(servers);
    for (;;) {
        if (prompt) {
            fputs("> ", stdout);
            fflush(stdout);
        }
        len = getline(&line, &cap, stdin);
        if (len < 0 || is_quit(line, (size_t)len))
            break;
        /* A chunk at a time, each printed as it comes back. */
        for (size_t done = 0; done < (size_t)len; done += CHUNK_SIZE) {
            size_t chunk = (size_t)len - done < CHUNK_SIZE ? (size_t)len - done : CHUNK_SIZE;
            if (echo_line(sock, line + done, chunk, reply, &what) < 0) {
                if (errno == 0)
                    die_msg("%s", what);
                die("%s", what);
            }
            if (fwrite(reply, 1, chunk, stdout) != chunk)
                die("write to stdout");
        }
        if (fflush(stdout) == EOF)
            die("write to stdout");
    }
    if (ferror(stdin))
        die("read from stdin");
    free(line);
    if (close(sock) < 0)
        die("close");
}

/* Read standard input up to end of file or a q line, all of it. */
static void read_all_lines(struct job *job)
{
    char *line = NULL;
    size_t cap = 0, room = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) >= 0 && !is_quit(line, (size_t)len)) {
        if (job->len + (size_t)len > room) {
            char *grown; /* not job->lines = realloc(job->lines, ...): on failure
                            that would lose the old block */
            room = 2 * (job->len + (size_t)len);
            grown = realloc(job->lines, room);
            if (grown == NULL)
                die("realloc");
            job->lines = grown;
        }
        memcpy(job->lines + job->len, line, (size_t)len);
        job->len += (size_t)len;
        if ((size_t)len > job->longest)
            job->longest = (size_t)len;
    }
    if (ferror(stdin))
        die("read from stdin");
    free(line);
}

static long parse_thread_count(const char *text)
{
    char *end;
    long n;
    errno = 0;
    n = strtol(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || errno != 0 || *end != '\0' || n < 1 || n > MAX_THREADS)
        usage_error(usage, "bad thread count '%s': a number from 1 to %d", text, MAX_THREADS);
    return n;
}

static struct addrinfo *resolve(const char *host, const char *port)
{
    struct addrinfo hints, *list;
    int rc;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    rc = getaddrinfo(host, port, &hints, &list);
    if (rc != 0)
        die_msg("%s port %s: %s", host, port, gai_strerror(rc));
    return list;
}

/*
 * A name may have several addresses (localhost is ::1 and 127.0.0.1): try
 * each in turn, like telnet's "Trying ::1...". Returns the connected
 * socket, or -1 with errno from the last attempt.
 */
static int connect_to_any(const struct addrinfo *list)
{
    const struct addrinfo *ai;
    int fd, saved_errno = 0;
    for (ai = list; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            saved_errno = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            return fd;
        saved_errno = errno;
        close(fd);
    }
    errno = saved_errno;
    return -1;
}

/*
 * Send one line and read its echo into reply, chunk by chunk. Returns 0,
 * or -1 with *what saying what failed (errno set, or 0 when the server
 * closed the connection first).
 */
static int echo_line(int sock, const char *line, size_t len, char *reply, const char **what)
{
    size_t done = 0;
    while (done < len) {
        size_t chunk = len - done < CHUNK_SIZE ? len - done : CHUNK_SIZE;
        size_t got;
        if (write_all(sock, line + done, chunk) < 0) {
            *what = "send";
            return -1;
        }
        if (read_exactly(sock, reply + done, chunk, &got) < 0) {
            *what = "receive";
            return -1;
        }
        if (got < chunk) {
            *what = "the server closed the connection before replying in full";
            errno = 0;
            return -1;
        }
        done += chunk;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Same in every lab (read once in tcp-echo)
 */

/* Shared: first in tcp-echo/client.c, every copy identical (tests/layout.bats). */
/* The notes' quit convention: a line that is exactly q or Q. */
static int is_quit(const char *line, size_t len)
{
    if (len > 0 && line[len - 1] == '\n')
        len--;
    return len == 1 && (line[0] == 'q' || line[0] == 'Q');
}
