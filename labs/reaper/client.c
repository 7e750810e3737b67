/*
 * reaper/client.c - the echo client, and a burst of connections.
 *
 * Without options it is the base echo client: each line of standard input
 * is sent and the reply printed; a line that is just q or Q, or end of
 * input, ends it. With -c N it opens N connections at once, sends one line
 * on each ("connection I of N") and prints the echo, then closes all N at
 * the same moment: N server children end together, the burst that sends the
 * server fewer SIGCHLD signals than children (signals do not queue).
 * Notes 001 "Managing Zombie processes"; 004 "Process per connection".
 *
 * Try it:  ./client -c 50          then look for zombies of the server
 *
 * Usage:   client [-c N] [HOST [PORT]]      (default localhost 5200)
 */
#include "labs.h"

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT "5200"
/* Lines go out in chunks, each echoed back before the next is sent, so a
   huge line never fills both directions' buffers at once and deadlocks. */
#define CHUNK_SIZE 16384
#define MAX_CONNECTIONS 1000
#define BURST_LINE_SIZE 64 /* "connection NNNN of NNNN\n" */

static const char usage[] = "[-c N] [HOST [PORT]]";

/* The lesson, first below: main() and these. */
static void burst(const char *host, const char *port, long count);
static long parse_count(const char *text);

/* Not the lesson: the one-connection client of tcp-echo, further down. */
static void talk(const char *host, const char *port);
static void echo_line(int sock, const char *line, size_t len);

/* Same in every lab, further down. */
static int connect_to(const char *host, const char *port);
static int is_quit(const char *line, size_t len);

int main(int argc, char *argv[])
{
    const char *host = DEFAULT_HOST, *port = DEFAULT_PORT;
    long connections = 0;
    int c;

    set_program_name(argv[0]);
    while ((c = getopt(argc, argv, "c:")) != -1) {
        if (c != 'c')
            usage_error(usage, "unknown option or missing argument");
        connections = parse_count(optarg);
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
    if (connections > 0)
        burst(host, port, connections);
    else
        talk(host, port);
    return EXIT_SUCCESS;
}

/*
 * -c N: open every connection first, so N server children are alive at
 * once; echo a line on each; then close them all in one tight loop, so the
 * children see end of file and exit at nearly the same moment.
 */
static void burst(const char *host, const char *port, long count)
{
    int *socks = calloc((size_t)count, sizeof *socks);
    char line[BURST_LINE_SIZE];
    long i;
    if (socks == NULL)
        die("calloc");
    for (i = 0; i < count; i++)
        socks[i] = connect_to(host, port);
    for (i = 0; i < count; i++) {
        int len = snprintf(line, sizeof line, "connection %ld of %ld\n", i + 1, count);
        echo_line(socks[i], line, (size_t)len);
    }
    for (i = 0; i < count; i++)
        if (close(socks[i]) < 0)
            die("close connection %ld", i + 1);
    free(socks);
}

/* -c N: a number of connections from 1 to MAX_CONNECTIONS. */
static long parse_count(const char *text)
{
    char *end;
    long count;
    errno = 0;
    count = strtol(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || errno != 0 || *end != '\0' || count < 1 ||
        count > MAX_CONNECTIONS)
        usage_error(usage, "bad -c '%s': not a number from 1 to %d", text, MAX_CONNECTIONS);
    return count;
}

/* ------------------------------------------------------------------------
 * Not the lesson: the one-connection client of tcp-echo
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
        echo_line(sock, line, (size_t)len);
    }
    if (ferror(stdin))
        die("read from stdin");
    free(line);
    if (close(sock) < 0)
        die("close");
}

/* Shared: first in tcp-echo/client.c, every copy identical (tests/layout.bats). */
/* Send one line and copy its echo to stdout, chunk by chunk. */
static void echo_line(int sock, const char *line, size_t len)
{
    char reply[CHUNK_SIZE];
    size_t done = 0;
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
