/*
 * udp-echo/client.c - send each line as one datagram, print the reply.
 *
 * The line goes out without its newline, as the notes' raw_input() strips
 * it, so an empty line is an empty datagram. UDP promises no delivery: the
 * client waits for each reply at most -t milliseconds, says so on stderr if
 * none comes, and goes on with the next line; at the end it exits 1 if any
 * reply was lost. A q or Q line, or end of input, ends it. Notes 001 "UDP
 * echo server and Client".
 *
 * The socket is connect()ed to the server. For UDP that sends nothing; it
 * fixes the destination and lets the kernel report an ICMP "port
 * unreachable" as ECONNREFUSED, so "nobody listens" is told apart from "the
 * reply was lost".
 *
 * Try it:  ./client                     then type lines
 *          printf 'a\nbb\n' | ./client  two lines, two datagrams
 *
 * Usage:   client [-t MS] [HOST [PORT]]      (default localhost 5000, 1000 ms)
 */
#include "labs.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT "5000"
#define DEFAULT_TIMEOUT_MS 1000
#define DATAGRAM_MAX 65536 /* the largest datagram there can be */

static const char usage[] = "[-t MS] [HOST [PORT]]";

enum wait_result { GOT_ECHO, TIMED_OUT, REFUSED };

/* The server's addresses, and which one the socket is connected to. */
struct server {
    const char *host, *port;
    struct addrinfo *addresses, *current;
    int sock;
    int answered; /* a reply came back: this address is the right one */
};

/* The lesson, first below: main() and these. */
static int echo_line(struct server *srv, const char *line, size_t len, int timeout_ms);
static enum wait_result wait_for_echo(int sock, const char *line, size_t len, int timeout_ms);
static void resolve(struct server *srv);
static void connect_current(struct server *srv);
static int try_next_address(struct server *srv);

/* Not the lesson: the clock, and the -t option, further down. */
static long long milliseconds_now(void);
static int parse_timeout(const char *text);

/* Same in every lab, further down. */
static int is_quit(const char *line, size_t len);

int main(int argc, char *argv[])
{
    struct server srv = {DEFAULT_HOST, DEFAULT_PORT, NULL, NULL, -1, 0};
    int timeout_ms = DEFAULT_TIMEOUT_MS, prompt = isatty(STDIN_FILENO);
    int sent = 0, lost = 0, c;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;

    set_program_name(argv[0]);
    while ((c = getopt(argc, argv, "t:")) != -1) {
        if (c != 't')
            usage_error(usage, "unknown option or missing argument");
        timeout_ms = parse_timeout(optarg);
    }
    if (argc - optind > 2)
        usage_error(usage, "too many arguments");
    if (argc - optind > 0)
        srv.host = argv[optind];
    if (argc - optind > 1)
        srv.port = argv[optind + 1];
    if (parse_port(srv.port) < 0)
        usage_error(usage, "bad port '%s': not a number from 0 to 65535", srv.port);

    resolve(&srv);
    for (;;) {
        if (prompt) {
            fputs("> ", stdout);
            fflush(stdout);
        }
        len = getline(&line, &cap, stdin);
        if (len < 0)
            break;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (is_quit(line, (size_t)len))
            break;
        sent++;
        if (echo_line(&srv, line, (size_t)len, timeout_ms) < 0)
            lost++;
    }
    if (ferror(stdin))
        die("read from stdin");
    free(line);
    freeaddrinfo(srv.addresses);
    if (close(srv.sock) < 0)
        die("close");
    if (lost > 0) {
        warn_msg("%d of %d replies never came", lost, sent);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

/* Send one line as one datagram and print its echo. 0 if the echo came. */
static int echo_line(struct server *srv, const char *line, size_t len, int timeout_ms)
{
    for (;;) {
        enum wait_result result = REFUSED;
        if (send(srv->sock, line, len, 0) < 0) {
            if (errno == EMSGSIZE) {
                warn_msg("a line of %zu bytes does not fit in one datagram", len);
                return -1;
            }
            if (errno != ECONNREFUSED) /* an earlier ICMP error shows up here */
                die("send");
        } else {
            result = wait_for_echo(srv->sock, line, len, timeout_ms);
        }
        if (result == GOT_ECHO) {
            srv->answered = 1;
            if (fwrite(line, 1, len, stdout) != len || putchar('\n') == EOF ||
                fflush(stdout) == EOF)
                die("write to stdout");
            return 0;
        }
        if (result == TIMED_OUT) {
            warn_msg("no reply within %d ms", timeout_ms);
            return -1;
        }
        if (!try_next_address(srv)) {
            errno = ECONNREFUSED;
            die("no UDP server at %s port %s", srv->host, srv->port);
        }
    }
}

/*
 * Wait until the echo of line[0..len) arrives or timeout_ms pass. A reply
 * that does not match is a late echo of an earlier line: skip it.
 */
static enum wait_result wait_for_echo(int sock, const char *line, size_t len, int timeout_ms)
{
    char reply[DATAGRAM_MAX];
    long long deadline = milliseconds_now() + timeout_ms;
    for (;;) {
        struct pollfd pfd = {sock, POLLIN, 0};
        long long left = deadline - milliseconds_now();
        ssize_t n;
        int ready = poll(&pfd, 1, left > 0 ? (int)left : 0);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            die("poll");
        if (ready == 0)
            return TIMED_OUT;
        /* For UDP, 0 is an empty datagram, not end of file. */
        n = recv(sock, reply, sizeof reply, 0);
        if (n < 0 && errno == ECONNREFUSED)
            return REFUSED;
        if (n < 0)
            die("recv");
        if ((size_t)n == len && memcmp(reply, line, len) == 0)
            return GOT_ECHO;
        warn_msg("ignoring a late reply of %zd bytes", n);
    }
}

static void resolve(struct server *srv)
{
    struct addrinfo hints;
    int rc;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV;
    rc = getaddrinfo(srv->host, srv->port, &hints, &srv->addresses);
    if (rc != 0)
        die_msg("%s port %s: %s", srv->host, srv->port, gai_strerror(rc));
    srv->current = srv->addresses;
    connect_current(srv);
}

static void connect_current(struct server *srv)
{
    struct addrinfo *ai = srv->current;
    srv->sock = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (srv->sock < 0)
        die("socket");
    if (connect(srv->sock, ai->ai_addr, ai->ai_addrlen) < 0)
        die("connect to %s port %s", srv->host, srv->port);
}

/*
 * localhost is ::1 and 127.0.0.1; a server may listen on only one of them.
 * Until one address has answered, a refusal means "try the next one".
 */
static int try_next_address(struct server *srv)
{
    if (srv->answered || srv->current->ai_next == NULL)
        return 0;
    if (close(srv->sock) < 0)
        die("close");
    srv->current = srv->current->ai_next;
    connect_current(srv);
    return 1;
}

/* ------------------------------------------------------------------------
 * Not the lesson: the clock, and the -t option
 */

/* long long: milliseconds since boot overflow a 32-bit long after 24 days. */
static long long milliseconds_now(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        die("clock_gettime");
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_timeout(const char *text)
{
    char *end;
    long ms;
    errno = 0;
    ms = strtol(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || errno != 0 || *end != '\0' || ms < 1 || ms > 3600000)
        usage_error(usage, "bad timeout '%s': milliseconds from 1 to 3600000", text);
    return (int)ms;
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
