/*
 * peer.c - a misbehaving or crowd-making TCP client for the tests.
 *
 *   peer reset HOST PORT        connect, send a line, then close with a reset
 *                               (SO_LINGER 0) instead of a normal close
 *   peer flood HOST PORT        connect and send without reading a single
 *                               reply until the connection takes no more
 *                               (both sides' buffers full for FLOOD_STALL_MS),
 *                               then close: unread data makes the kernel
 *                               reset the connection
 *   peer send-close HOST PORT BYTES
 *                               connect, send BYTES bytes, half-close
 *                               (shutdown SHUT_WR) and close, without reading:
 *                               gone before the server echoes (with another
 *                               client ahead in the queue, the iterative
 *                               server's echo then meets EPIPE)
 *   peer stall-echo HOST PORT
 *                               send patterned bytes without reading until
 *                               neither side can take more (FLOOD_STALL_MS
 *                               without progress: the server is blocked in
 *                               write), print "stalled after N bytes", wait
 *                               for end of stdin, then half-close and read the
 *                               echo to its end; print "echoed R of N bytes"
 *                               and exit 0 only if R == N and every byte is
 *                               right
 *   peer trickle-echo           a server: listen on 127.0.0.1 port 0, print
 *                               "listening on 127.0.0.1 port N (pid P)", and
 *                               echo each connection a byte at a time, one
 *                               write per byte (TCP_NODELAY, TRICKLE_PAUSE_US
 *                               apart), until it closes; then the next one
 *   peer trickle HOST PORT MS
 *                               the slow client: connect, print "trickling",
 *                               then send one byte (x) every MS milliseconds,
 *                               reading and dropping whatever comes back,
 *                               until end of stdin (then close and print
 *                               "sent N bytes") or until the server closes
 *                               (print "closed by the server after N bytes")
 *   peer hold HOST PORT N [LINE]
 *                               open N connections at once; if LINE is given,
 *                               send it on each and check its echo; print
 *                               "holding N" and wait for end of stdin; then
 *                               close them all at the same moment
 *
 * Exit status 0 when everything went as described, 1 otherwise.
 */
#include "labs.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char usage[] = "reset|flood|hold|send-close|stall-echo|trickle HOST PORT [N [LINE] | "
                            "BYTES | MS] | trickle-echo";

#define FLOOD_STALL_MS 200
#define STALL_DEADLINE_MS 20000    /* stall-echo gives up if nothing comes this long */
#define STALL_MAX_BYTES (1L << 30) /* ... or if the peer takes this much unechoed */
#define TRICKLE_PAUSE_US 1000

/* Every address of HOST in turn (localhost may be ::1 before 127.0.0.1, and a
   test's server listens on one of them), as the labs' clients do. */
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

static int reset(const char *host, const char *port)
{
    struct linger abort_close = {1, 0};
    int fd = connect_to(host, port);
    if (write_all(fd, "hello\n", 6) < 0)
        die("send");
    if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close) < 0)
        die("setsockopt SO_LINGER");
    if (close(fd) < 0)
        die("close");
    return 0;
}

static int flood(const char *host, const char *port)
{
    struct timeval stall = {0, FLOOD_STALL_MS * 1000};
    char block[65536];
    int fd = connect_to(host, port);
    memset(block, 'x', sizeof block);
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &stall, sizeof stall) < 0)
        die("setsockopt SO_SNDTIMEO");
    while (write_all(fd, block, sizeof block) == 0)
        continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
        die("send");
    if (close(fd) < 0)
        die("close");
    return 0;
}

static int send_close(const char *host, const char *port, long bytes)
{
    char block[65536];
    int fd = connect_to(host, port);
    memset(block, 'x', sizeof block);
    while (bytes > 0) {
        size_t chunk = bytes < (long)sizeof block ? (size_t)bytes : sizeof block;
        if (write_all(fd, block, chunk) < 0)
            die("send");
        bytes -= (long)chunk;
    }
    if (shutdown(fd, SHUT_WR) < 0)
        die("shutdown");
    if (close(fd) < 0)
        die("close");
    return 0;
}

/* The byte at offset i of a stall-echo stream: a pattern a lost or repeated
   piece cannot match by chance (251 is prime, so it never lines up with
   buffer sizes). */
static char pattern_at(long i)
{
    return (char)('a' + i % 251 % 26);
}

static int stall_echo(const char *host, const char *port)
{
    char out[65536], in[65536];
    long sent = 0, received = 0, wrong = -1;
    int fd = connect_to(host, port);
    if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
        die("fcntl O_NONBLOCK");

    /* 1. Send without reading until nothing moves for FLOOD_STALL_MS. */
    for (;;) {
        struct pollfd pfd = {fd, POLLOUT, 0};
        ssize_t n;
        long i;
        if (sent > STALL_MAX_BYTES)
            die_msg("sent %ld bytes and the peer still takes more: it is not echoing", sent);
        if (poll(&pfd, 1, FLOOD_STALL_MS) < 0)
            die("poll");
        if (!(pfd.revents & POLLOUT))
            break;
        for (i = 0; i < (long)sizeof out; i++)
            out[i] = pattern_at(sent + i);
        n = write(fd, out, sizeof out);
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            die("send");
        if (n > 0)
            sent += n;
    }
    printf("stalled after %ld bytes\n", sent);
    fflush(stdout);
    while (read_some(STDIN_FILENO, in, sizeof in) > 0)
        continue;

    /* 2. Half-close and read the echo to its end. */
    if (shutdown(fd, SHUT_WR) < 0)
        die("shutdown");
    for (;;) {
        struct pollfd pfd = {fd, POLLIN, 0};
        ssize_t n, i;
        int ready = poll(&pfd, 1, STALL_DEADLINE_MS);
        if (ready < 0)
            die("poll");
        if (ready == 0)
            die_msg("nothing came for %d ms (echoed %ld of %ld bytes)", STALL_DEADLINE_MS, received,
                    sent);
        n = read(fd, in, sizeof in);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n < 0)
            die("receive");
        if (n == 0)
            break;
        for (i = 0; i < n && wrong < 0; i++)
            if (in[i] != pattern_at(received + i))
                wrong = received + i;
        received += n;
    }
    printf("echoed %ld of %ld bytes\n", received, sent);
    if (wrong >= 0)
        printf("the echo differs from what was sent from byte %ld on\n", wrong);
    if (close(fd) < 0)
        die("close");
    return received == sent && wrong < 0 ? 0 : 1;
}

/* Echo one connection a byte at a time: a reply in as many pieces as it has
   bytes, for clients that wrongly trust one read(). */
static void trickle_one(int conn)
{
    struct timespec pause = {0, TRICKLE_PAUSE_US * 1000L};
    char buf[4096];
    ssize_t n, i;
    int one = 1;
    if (setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
        die("setsockopt TCP_NODELAY");
    while ((n = read_some(conn, buf, sizeof buf)) > 0) {
        for (i = 0; i < n; i++) {
            if (write_all(conn, buf + i, 1) < 0) {
                warn_errno("write");
                return;
            }
            nanosleep(&pause, NULL);
        }
    }
    if (n < 0)
        warn_errno("read");
}

static int trickle_echo(void)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
        die("setsockopt SO_REUSEADDR");
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, SOMAXCONN) < 0)
        die("bind or listen");
    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
        die("getsockname");
    printf("listening on 127.0.0.1 port %u (pid %ld)\n", ntohs(addr.sin_port), (long)getpid());
    fflush(stdout);
    for (;;) {
        int conn = accept(fd, NULL, NULL);
        if (conn < 0)
            die("accept");
        trickle_one(conn);
        close(conn);
    }
}

static long long now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        die("clock_gettime");
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int trickle(const char *host, const char *port, long every_ms)
{
    char buf[4096];
    long sent = 0;
    long long next = now_ms() + every_ms;
    int fd = connect_to(host, port);
    printf("trickling\n");
    fflush(stdout);
    for (;;) {
        struct pollfd fds[2] = {{fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        long long left = next - now_ms();
        if (left <= 0) {
            if (write_all(fd, "x", 1) < 0)
                break; /* reset: the server is gone */
            sent++;
            next += every_ms;
            continue;
        }
        if (poll(fds, 2, (int)left) < 0 && errno != EINTR)
            die("poll");
        if (fds[0].revents != 0 && read_some(fd, buf, sizeof buf) <= 0)
            break; /* end of file or error: the server closed */
        if (fds[1].revents != 0 && read_some(STDIN_FILENO, buf, sizeof buf) <= 0) {
            if (close(fd) < 0)
                die("close");
            printf("sent %ld bytes\n", sent);
            return 0;
        }
    }
    printf("closed by the server after %ld bytes\n", sent);
    close(fd);
    return 0;
}

static int hold(const char *host, const char *port, long count, const char *line)
{
    int *fds = calloc((size_t)count, sizeof *fds);
    size_t len = line != NULL ? strlen(line) : 0;
    char *echo = malloc(len + 1);
    char drain[256];
    size_t got;
    long i;
    if (fds == NULL || echo == NULL)
        die("calloc");
    for (i = 0; i < count; i++)
        fds[i] = connect_to(host, port);
    for (i = 0; i < count && line != NULL; i++) {
        if (write_all(fds[i], line, len) < 0)
            die("send on connection %ld", i);
        if (read_exactly(fds[i], echo, len, &got) < 0)
            die("receive on connection %ld", i);
        if (got != len || memcmp(echo, line, len) != 0)
            die_msg("connection %ld: no echo", i);
    }
    printf("holding %ld\n", count);
    fflush(stdout);
    while (read_some(STDIN_FILENO, drain, sizeof drain) > 0)
        continue;
    for (i = 0; i < count; i++)
        if (close(fds[i]) < 0)
            die("close");
    free(fds);
    free(echo);
    return 0;
}

int main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    signal(SIGPIPE, SIG_IGN);
    if (argc == 4 && strcmp(argv[1], "reset") == 0)
        return reset(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "flood") == 0)
        return flood(argv[2], argv[3]);
    if (argc == 5 && strcmp(argv[1], "send-close") == 0)
        return send_close(argv[2], argv[3], atol(argv[4]));
    if (argc == 4 && strcmp(argv[1], "stall-echo") == 0)
        return stall_echo(argv[2], argv[3]);
    if (argc == 2 && strcmp(argv[1], "trickle-echo") == 0)
        return trickle_echo();
    if (argc == 5 && strcmp(argv[1], "trickle") == 0 && atol(argv[4]) > 0)
        return trickle(argv[2], argv[3], atol(argv[4]));
    if ((argc == 5 || argc == 6) && strcmp(argv[1], "hold") == 0)
        return hold(argv[2], argv[3], atol(argv[4]), argc == 6 ? argv[5] : NULL);
    usage_error(usage, "unknown command");
}
