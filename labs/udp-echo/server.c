/*
 * udp-echo/server.c - a UDP echo server: every datagram goes back to its
 * sender, unchanged.
 *
 * There is no connection and no accept(): one socket receives datagrams from
 * anyone with recvfrom(), which also says who sent each one, and sendto()
 * answers that address. Each datagram arrives whole or not at all, so record
 * boundaries are kept, but nothing promises it arrives. Notes 001 "UDP echo
 * server and Client".
 *
 * Try it:  ./server            in one terminal
 *          ./client            in another; type lines, each is one datagram
 *
 * Usage:   server [-b ADDR] [-q] [PORT]      (default 127.0.0.1 port 5000)
 */
#include "labs.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_ADDR "127.0.0.1"
#define DEFAULT_PORT "5000"
/* Big enough for the largest datagram IPv4 or IPv6 can carry (a length field
   of 16 bits), so no datagram is ever cut short. */
#define DATAGRAM_MAX 65536
#define PEER_TEXT_SIZE (INET6_ADDRSTRLEN + 16) /* "ADDR port NNNNN" */

static const char usage[] = "[-b ADDR] [-q] [PORT]";

struct options {
    const char *addr; /* numeric address to bind */
    const char *port; /* decimal port, "0" lets the kernel choose */
    int quiet;        /* -q: no per-datagram log lines */
};

/* The lesson, first below: main() and these. */
static void echo_one_datagram(int sock, char *buf, size_t bufsize, int quiet);
static int bind_udp(const char *addr, const char *port);

/* Same in every lab, further down. */
static struct options parse_options(int argc, char *argv[]);
static void exit_on_signal(int signo);
static void install_signal_handlers(void);
static void peer_text(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen);

int main(int argc, char *argv[])
{
    char buf[DATAGRAM_MAX];
    struct options opt;
    int sock;

    set_program_name(argv[0]);
    opt = parse_options(argc, argv);
    install_signal_handlers();
    setvbuf(stdout, NULL, _IOLBF, 0); /* each log line out as it happens */
    sock = bind_udp(opt.addr, opt.port);
    for (;;)
        echo_one_datagram(sock, buf, sizeof buf, opt.quiet);
}

/* Receive one datagram and send it straight back to whoever sent it. */
static void echo_one_datagram(int sock, char *buf, size_t bufsize, int quiet)
{
    struct sockaddr_storage from;
    socklen_t fromlen = sizeof from;
    char peer[PEER_TEXT_SIZE];
    ssize_t n;

    n = recvfrom(sock, buf, bufsize, 0, (struct sockaddr *)&from, &fromlen);
    if (n < 0) {
        if (errno != EINTR)
            warn_errno("recvfrom");
        return;
    }
    peer_text((struct sockaddr *)&from, fromlen, peer, sizeof peer);
    if (!quiet)
        printf("%s: %zd bytes\n", peer, n);
    /* A datagram goes out whole or not at all: no loop as for TCP. */
    if (sendto(sock, buf, (size_t)n, 0, (struct sockaddr *)&from, fromlen) < 0)
        warn_errno("sendto %s", peer);
}

/* socket and bind; a UDP server neither listens nor accepts. */
static int bind_udp(const char *addr, const char *port)
{
    struct addrinfo hints, *ai;
    struct sockaddr_storage bound;
    socklen_t boundlen = sizeof bound;
    char where[PEER_TEXT_SIZE];
    int fd, rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    rc = getaddrinfo(addr, port, &hints, &ai);
    if (rc != 0)
        usage_error(usage, "bad address '%s': %s", addr, gai_strerror(rc));

    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0)
        die("socket");
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0)
        die("bind %s port %s", addr, port);
    freeaddrinfo(ai);

    if (getsockname(fd, (struct sockaddr *)&bound, &boundlen) < 0)
        die("getsockname");
    peer_text((struct sockaddr *)&bound, boundlen, where, sizeof where);
    printf("listening on %s (pid %ld)\n", where, (long)getpid());
    fflush(stdout);
    return fd;
}

/* ------------------------------------------------------------------------
 * Same in every lab (read once in tcp-echo)
 */

/* Shared: first in tcp-echo/server.c, every copy identical (tests/layout.bats). */
static struct options parse_options(int argc, char *argv[])
{
    struct options opt = {DEFAULT_ADDR, DEFAULT_PORT, 0};
    int c;
    while ((c = getopt(argc, argv, "b:q")) != -1) {
        switch (c) {
        case 'b': opt.addr = optarg; break;
        case 'q': opt.quiet = 1; break;
        default: usage_error(usage, "unknown option or missing argument");
        }
    }
    if (argc - optind > 1)
        usage_error(usage, "too many arguments");
    if (argc - optind == 1)
        opt.port = argv[optind];
    if (parse_port(opt.port) < 0)
        usage_error(usage, "bad port '%s': not a number from 0 to 65535", opt.port);
    return opt;
}

/* Shared: first in tcp-echo/server.c, every copy identical (tests/layout.bats). */
/*
 * Nothing needs cleaning up at Ctrl-C: the kernel closes every socket when
 * the process ends, and _exit() is safe inside a handler. (Setting a flag
 * instead would leave a moment, just before the server blocks waiting for a
 * client, where the signal would go unnoticed.)
 */
static void exit_on_signal(int signo)
{
    (void)signo;
    _exit(EXIT_SUCCESS);
}

static void install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = exit_on_signal; /* no SA_RESTART: it never returns */
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
        die("sigaction");
}

/* Shared: first in tcp-echo/server.c, every copy identical (tests/layout.bats). */
/* "127.0.0.1 port 40112": the numeric form of a socket address. */
static void peer_text(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen)
{
    char host[INET6_ADDRSTRLEN], port[sizeof "65535"];
    int rc =
        getnameinfo(sa, len, host, sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
    if (rc != 0)
        snprintf(out, outlen, "(unknown: %s)", gai_strerror(rc));
    else
        snprintf(out, outlen, "%s port %s", host, port);
}
