/*
 * fork-zombie/client.c - the echo client, and a client that forks.
 *
 * Without options it is the base echo client: each line of standard input
 * is sent, and the reply printed; a line that is just q or Q, or end of
 * input, ends it. With -n N it first reads all of its input, then forks N
 * children: each opens a connection of its own, sends every line and prints
 * each reply prefixed by its pid ("pid 4002: hello"). The parent waits for
 * every child and says so ("pid 4002 reaped by parent pid 4001, exit status
 * 0"): unlike the server, this program leaves no zombie behind.
 * Notes 001 "Forking", "A basic fork in action", "Zombie Processes".
 * The notes' client does not fork; -n puts their fork example to work.
 *
 * Try it:  printf 'hi\n' | ./client -n 3       three connections at once
 *
 * Usage:   client [-n N] [HOST [PORT]]         (default localhost 5100)
 */
#include "labs.h"

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT "5100"
/* Lines go out in chunks, each echoed back before the next is sent, so a
   huge line never fills both directions' buffers at once and deadlocks. */
#define CHUNK_SIZE 16384
#define MAX_CHILDREN 1000
#define PID_PREFIX_SIZE 32 /* "pid NNNNNNNNNN: " */

static const char usage[] = "[-n N] [HOST [PORT]]";

/* A text buffer that grows: all of standard input, for -n. */
struct text {
    char *bytes;
    size_t len, cap;
};

/* What every -n child sends. File scope: a child leaves with _exit() and
   frees nothing, and this keeps its copy reachable, not leaked. */
static struct text input;

/* The lesson, first below: main() and these. */
static int talk_in_children(const char *host, const char *port, long count);
static void talk_as_child(const char *host, const char *port, const struct text *in);
static int report_child(pid_t pid, int status);

/* Not the lesson: the one-connection client of tcp-echo, and reading input, further down. */
static void talk(const char *host, const char *port);
static void echo_line(int sock, const char *line, size_t len, const char *prefix);
static struct text read_input(void);

/* Same in every lab, further down. */
static int connect_to(const char *host, const char *port);
static int is_quit(const char *line, size_t len);

int main(int argc, char *argv[])
{
    const char *host = DEFAULT_HOST, *port = DEFAULT_PORT;
    long children = 0;
    char *end;
    int c;

    set_program_name(argv[0]);
    while ((c = getopt(argc, argv, "n:")) != -1) {
        if (c != 'n')
            usage_error(usage, "unknown option or missing argument");
        errno = 0;
        children = strtol(optarg, &end, 10);
        if (errno != 0 || *end != '\0' || optarg[0] < '0' || optarg[0] > '9' || children < 1 ||
            children > MAX_CHILDREN)
            usage_error(usage, "bad -n '%s': not a number from 1 to %d", optarg, MAX_CHILDREN);
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
    if (children > 0)
        return talk_in_children(host, port, children);
    talk(host, port);
    return EXIT_SUCCESS;
}

/* -n N: fork N children, then wait for every one of them. */
static int talk_in_children(const char *host, const char *port, long count)
{
    long started = 0, failed = 0;
    input = read_input();
    fflush(stdout); /* nothing buffered for the children to print again */
    while (started < count) {
        pid_t pid = fork();
        if (pid < 0) {
            warn_errno("fork");
            failed++;
            break;
        }
        if (pid == 0)
            talk_as_child(host, port, &input);
        started++;
    }
    /* wait() reaps any child that has ended, in the order they end. */
    while (started > 0) {
        int status;
        pid_t pid = wait(&status);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            die("wait");
        }
        failed += report_child(pid, status);
        started--;
    }
    free(input.bytes);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* A child of -n: its own connection, every line, replies marked with its
   pid. It leaves with _exit(): stdio buffers are not flushed twice. */
static void talk_as_child(const char *host, const char *port, const struct text *in)
{
    char prefix[PID_PREFIX_SIZE];
    size_t start = 0;
    int sock;
    exit_after_fork();
    snprintf(prefix, sizeof prefix, "pid %ld: ", (long)getpid());
    sock = connect_to(host, port);
    while (start < in->len) {
        const char *newline = memchr(in->bytes + start, '\n', in->len - start);
        size_t end = newline != NULL ? (size_t)(newline - in->bytes) + 1 : in->len;
        echo_line(sock, in->bytes + start, end - start, prefix);
        start = end;
    }
    if (close(sock) < 0)
        die("close");
    _exit(EXIT_SUCCESS);
}

/* Report how a child ended; returns 1 if it failed. */
static int report_child(pid_t pid, int status)
{
    printf("pid %ld reaped by parent pid %ld, ", (long)pid, (long)getpid());
    if (WIFEXITED(status))
        printf("exit status %d\n", WEXITSTATUS(status));
    else
        printf("killed by signal %d\n", WTERMSIG(status));
    return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

/* ------------------------------------------------------------------------
 * Not the lesson: the one-connection client of tcp-echo, and reading input
 */

/* The base client: one connection, a reply for every line typed. */
static void talk(const char *host, const char *port)
{
    int prompt = isatty(STDIN_FILENO);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int sock = connect_to(host, port);
    for (;;) {
        if (prompt) {
            fputs("> ", stdout);
            fflush(stdout);
        }
        len = getline(&line, &cap, stdin);
        if (len < 0 || is_quit(line, (size_t)len))
            break;
        echo_line(sock, line, (size_t)len, "");
    }
    if (ferror(stdin))
        die("read from stdin");
    free(line);
    if (close(sock) < 0)
        die("close");
}

/* Send one line and copy its echo to stdout, chunk by chunk, after prefix. */
static void echo_line(int sock, const char *line, size_t len, const char *prefix)
{
    char reply[CHUNK_SIZE];
    size_t done = 0;
    if (fputs(prefix, stdout) == EOF)
        die("write to stdout");
    while (done < len) {
        size_t chunk = len - done < CHUNK_SIZE ? len - done : CHUNK_SIZE;
        size_t got;
        if (write_all(sock, line + done, chunk) < 0)
            die("send");
        if (read_exactly(sock, reply, chunk, &got) < 0)
            die("receive");
        if (got < chunk)
            die_msg("the server closed the connection before replying in full");
        if (fwrite(reply, 1, chunk, stdout) != chunk)
            die("write to stdout");
        done += chunk;
    }
    if (fflush(stdout) == EOF)
        die("write to stdout");
}

/* Every line of stdin up to q, Q or end of input: what each child sends. */
static struct text read_input(void)
{
    struct text in = {NULL, 0, 0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) >= 0 && !is_quit(line, (size_t)len)) {
        if (in.len + (size_t)len > in.cap) {
            size_t grown = 2 * (in.len + (size_t)len);
            char *bytes = realloc(in.bytes, grown);
            if (bytes == NULL)
                die("realloc");
            in.bytes = bytes;
            in.cap = grown;
        }
        memcpy(in.bytes + in.len, line, (size_t)len);
        in.len += (size_t)len;
    }
    if (ferror(stdin))
        die("read from stdin");
    free(line);
    return in;
}

/* ------------------------------------------------------------------------
 * Same in every lab (read once in tcp-echo)
 */

/* Shared: first in tcp-echo/client.c, every copy identical (tests/layout.bats). */
/*
 * getaddrinfo() may give several addresses for one name (localhost is ::1
 * and 127.0.0.1): try each in turn, like telnet's "Trying ::1...".
 */
static int connect_to(const char *host, const char *port)
{
    struct addrinfo hints, *list, *ai;
    int fd = -1, rc, saved_errno = 0;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    rc = getaddrinfo(host, port, &hints, &list);
    if (rc != 0)
        die_msg("%s port %s: %s", host, port, gai_strerror(rc));

    for (ai = list; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            saved_errno = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        saved_errno = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(list);
    if (fd < 0) {
        errno = saved_errno;
        die("connect to %s port %s", host, port);
    }
    return fd;
}

/* Shared: first in tcp-echo/client.c, every copy identical (tests/layout.bats). */
/* The notes' quit convention: a line that is exactly q or Q. */
static int is_quit(const char *line, size_t len)
{
    if (len > 0 && line[len - 1] == '\n')
        len--;
    return len == 1 && (line[0] == 'q' || line[0] == 'Q');
}
