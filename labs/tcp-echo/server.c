/*
 * tcp-echo/server.c - an iterative TCP echo server.
 *
 * It accepts one client, sends back every byte that client sends until the
 * client closes, and only then accepts the next one. A second client can
 * connect meanwhile (the kernel finishes the handshake and queues it), but it
 * gets no reply until the first leaves. Notes 001 "TCP Echo Server and
 * Client", "Catching Exceptions"; 003 sections 2 and 3.1.
 *
 * Try it:  ./server            in one terminal
 *          ./client            in a second, then a third: the third waits
 *
 * Usage:   server [-b ADDR] [-q] [PORT]      (default 127.0.0.1 port 5090)
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
#define DEFAULT_PORT "5090"
#define ECHO_BUFFER_SIZE 16384
#define PEER_TEXT_SIZE (INET6_ADDRSTRLEN + 16) /* "ADDR port NNNNN" */

static const char usage[] = "[-b ADDR] [-q] [PORT]";

struct options {
    const char *addr; /* numeric address to bind */
    const char *port; /* decimal port, "0" lets the kernel choose */
    int quiet;        /* -q: no per-connection log lines */
};

/* The lesson, first below: main() and these. */
static int listen_on(const char *addr, const char *port);
static void echo_until_eof(int conn, const char *peer);

/* Same in every lab, further down. */
static struct options parse_options(int argc, char *argv[]);
static void exit_on_signal(int signo);
static void install_signal_handlers(void);
static void peer_text(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen);

int main(int argc, char *argv[])
{
    struct options opt;
    int listener;

    set_program_name(argv[0]);
    opt = parse_options(argc, argv);
    install_signal_handlers();
    setvbuf(stdout, NULL, _IOLBF, 0); /* each log line out as it happens */
    listener = listen_on(opt.addr, opt.port);

    for (;;) {
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof from;
        char peer[PEER_TEXT_SIZE];
        int conn = accept(listener, (struct sockaddr *)&from, &fromlen);
        if (conn < 0) {
            /* The connection may have failed before we took it; the server
               itself is fine. */
            warn_errno("accept");
            continue;
        }
        peer_text((struct sockaddr *)&from, fromlen, peer, sizeof peer);
        if (!opt.quiet)
            printf("connection from %s\n", peer);
        echo_until_eof(conn, peer);
        if (close(conn) < 0)
            warn_errno("close %s", peer);
        if (!opt.quiet)
            printf("%s closed\n", peer);
    }
}

/* Shared: first in tcp-echo/server.c, every copy identical (tests/layout.bats). */
/* socket, bind, listen: the server's side of the rendezvous. */
static int listen_on(const char *addr, const char *port)
{
    struct addrinfo hints, *ai;
    struct sockaddr_storage bound;
    socklen_t boundlen = sizeof bound;
    char where[PEER_TEXT_SIZE];
    int fd, rc, one = 1;

    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    rc = getaddrinfo(addr, port, &hints, &ai);
    if (rc != 0)
        usage_error(usage, "bad address '%s': %s", addr, gai_strerror(rc));

    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0)
        die("socket");
    /* Restarting the server must not fail while connections on this port
       linger in TIME_WAIT, or are still open (held by a child process). */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
        die("setsockopt SO_REUSEADDR");
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0)
        die("bind %s port %s", addr, port);
    freeaddrinfo(ai);
    if (listen(fd, SOMAXCONN) < 0)
        die("listen");

    /* Port 0 means "any free port": ask the kernel which one it chose. */
    if (getsockname(fd, (struct sockaddr *)&bound, &boundlen) < 0)
        die("getsockname");
    peer_text((struct sockaddr *)&bound, boundlen, where, sizeof where);
    printf("listening on %s (pid %ld)\n", where, (long)getpid());
    fflush(stdout);
    return fd;
}

/* Shared: first in tcp-echo/server.c, every copy identical (tests/layout.bats). */
/* Send back everything the client sends, until it closes or fails. */
static void echo_until_eof(int conn, const char *peer)
{
    char buf[ECHO_BUFFER_SIZE];
    ssize_t n;
    while ((n = read_some(conn, buf, sizeof buf)) > 0) {
        if (write_all(conn, buf, (size_t)n) < 0) {
            warn_errno("write to %s", peer);
            return;
        }
    }
    if (n < 0)
        warn_errno("read from %s", peer);
}

/* ------------------------------------------------------------------------
 * Same in every lab (read it once here: the later labs copy it)
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
    /* A client that vanishes would make write() raise SIGPIPE and kill the
       whole server; ignored, write() fails with EPIPE for that client only. */
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) < 0)
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
