/*
 * threads/server.c - a TCP echo server with a thread per connection.
 *
 * The main thread only listens and accepts; each client gets a detached
 * thread of its own that echoes until the client leaves, then ends. So a
 * slow client no longer makes the others wait, as it did in tcp-echo. The
 * threads share two counters (clients served, clients active) behind a
 * mutex, and every arrival and departure is logged with them. Notes 001
 * "Threading", "Three parts of a multi-threaded server", "Echo server using
 * Thread"; 002; 003 section 3.2; 004 "Thread per connection".
 *
 * counter++ is a load, an add and a store: another thread may run in
 * between, on another core or on this one, so even counter++ needs the
 * mutex (and in C a data race is undefined behaviour, C11 5.1.2.4).
 *
 * Try it:  ./server            in one terminal
 *          ./client            in two or three more: all are served at once
 *          ./client -t 50 < /etc/hostname     fifty connections in one go
 *
 * Usage:   server [-b ADDR] [-q] [PORT]      (default 127.0.0.1 port 5300)
 */
#include "labs.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_ADDR "127.0.0.1"
#define DEFAULT_PORT "5300"
/* The echo buffer lives on each thread's stack. It is as big as the
   client's chunks: with less, the server answers a chunk in several writes
   and Nagle's algorithm holds back each one after the first until the
   client acknowledges; with 4 KiB a 1 MiB line takes seconds. */
#define ECHO_BUFFER_SIZE 16384
#define PEER_TEXT_SIZE (INET6_ADDRSTRLEN + 16) /* "ADDR port NNNNN" */
#define THREAD_STACK_SIZE (64 * 1024)          /* see thread_stack_size() */
#define DESCRIPTOR_WAIT_MS 100                 /* see wait_for_a_descriptor() */

static const char usage[] = "[-b ADDR] [-q] [PORT]";

struct options {
    const char *addr; /* numeric address to bind */
    const char *port; /* decimal port, "0" lets the kernel choose */
    int quiet;        /* -q: no per-connection log lines */
};

/* What the main thread hands to a client's thread: malloc'ed by main,
   freed by the thread (the C version of the notes' args=[clientsocket]). */
struct client {
    int fd;
    struct sockaddr_storage addr;
    socklen_t addrlen;
};

/*
 * The data every thread shares. served++ is a load, an add and a store:
 * two threads doing it at once can both load 41 and both store 42. So
 * every read and write of these counters happens with counts_lock held.
 * The log lines are printed under the lock too, so the numbers in the log
 * appear in the order they were given.
 */
static pthread_mutex_t counts_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long clients_served; /* guarded by counts_lock */
static unsigned long clients_active; /* guarded by counts_lock */
/* Set before the first thread starts and only read after: no lock. */
static int quiet_log;

/* The lesson, first below: main() and these. */
static void start_client_thread(int conn, const struct sockaddr_storage *from, socklen_t fromlen,
                                const pthread_attr_t *attr);
static void *client_thread(void *arg);
static unsigned long client_arrived(const char *peer);
static void client_left(unsigned long number);
static void lock_counts(void);
static void unlock_counts(void);
static void init_thread_attributes(pthread_attr_t *attr);

/* Same in every lab, further down. */
static struct options parse_options(int argc, char *argv[]);
static void exit_on_signal(int signo);
static void install_signal_handlers(void);
static void peer_text(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen);
static int listen_on(const char *addr, const char *port);
static void echo_until_eof(int conn, const char *peer);

/* Not the lesson: the size of a thread's stack, further down. */
static size_t thread_stack_size(void);

/* Not the lesson: out of descriptors, further down. */
static void wait_for_a_descriptor(void);

/*
 * Hand a connection to a new thread. Without memory or a thread (EAGAIN:
 * too many threads, no room for another stack) this one client is turned
 * away: its connection is closed and the server goes on accepting.
 */
static void start_client_thread(int conn, const struct sockaddr_storage *from, socklen_t fromlen,
                                const pthread_attr_t *attr)
{
    char peer[PEER_TEXT_SIZE];
    struct client *client = malloc(sizeof *client);
    const char *failed = "malloc";
    pthread_t thread;
    int errnum = errno; /* why malloc() failed, if it did */

    if (client != NULL) {
        client->fd = conn;
        client->addr = *from;
        client->addrlen = fromlen;
        errnum = pthread_create(&thread, attr, client_thread, client);
        if (errnum == 0)
            return; /* from here on the thread owns conn and client */
        failed = "pthread_create";
        free(client);
    }
    peer_text((const struct sockaddr *)from, fromlen, peer, sizeof peer);
    errno = errnum;
    warn_errno("no thread for %s, closing it: %s", peer, failed);
    if (close(conn) < 0)
        warn_errno("close %s", peer);
}

/* The child thread: serve one client from arrival to departure. An error
   here ends this client's connection, never the server. */
static void *client_thread(void *arg)
{
    struct client *client = arg;
    char peer[PEER_TEXT_SIZE];
    unsigned long number;

    peer_text((struct sockaddr *)&client->addr, client->addrlen, peer, sizeof peer);
    number = client_arrived(peer);
    echo_until_eof(client->fd, peer);
    if (close(client->fd) < 0)
        warn_errno("close %s", peer);
    free(client);
    client_left(number);
    return NULL; /* detached: the thread's memory goes back by itself */
}

int main(int argc, char *argv[])
{
    struct options opt;
    pthread_attr_t attr;
    int listener;

    set_program_name(argv[0]);
    opt = parse_options(argc, argv);
    quiet_log = opt.quiet;
    install_signal_handlers();
    setvbuf(stdout, NULL, _IOLBF, 0); /* each log line out as it happens */
    init_thread_attributes(&attr);
    listener = listen_on(opt.addr, opt.port);

    /* The parent thread of the notes: accept, start a child, loop. */
    for (;;) {
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof from;
        int conn = accept(listener, (struct sockaddr *)&from, &fromlen);
        if (conn < 0) {
            /* The connection may have failed before we took it; the server
               itself is fine. */
            warn_errno("accept");
            if (errno == EMFILE || errno == ENFILE)
                wait_for_a_descriptor(); /* not the lesson: out of descriptors */
            continue;
        }
        start_client_thread(conn, &from, fromlen, &attr);
    }
}

/* A new client: give it the next number and count it as active. */
static unsigned long client_arrived(const char *peer)
{
    unsigned long number;
    lock_counts();
    number = ++clients_served;
    clients_active++;
    if (!quiet_log)
        printf("client #%lu from %s (%lu active)\n", number, peer, clients_active);
    unlock_counts();
    return number;
}

static void client_left(unsigned long number)
{
    lock_counts();
    clients_active--;
    if (!quiet_log)
        printf("client #%lu left (%lu active)\n", number, clients_active);
    unlock_counts();
}

/* pthread functions return an error number instead of setting errno. */
static void lock_counts(void)
{
    int rc = pthread_mutex_lock(&counts_lock);
    if (rc != 0)
        die_errnum(rc, "pthread_mutex_lock");
}

static void unlock_counts(void)
{
    int rc = pthread_mutex_unlock(&counts_lock);
    if (rc != 0)
        die_errnum(rc, "pthread_mutex_unlock");
}

/*
 * Every client thread is created detached, so nobody has to join it: when
 * it returns, its stack is freed at once. (A joinable thread that nobody
 * joins keeps its stack after it ends, waiting for a pthread_join() that
 * never comes: a leak much like a zombie process.)
 */
static void init_thread_attributes(pthread_attr_t *attr)
{
    int rc = pthread_attr_init(attr);
    if (rc != 0)
        die_errnum(rc, "pthread_attr_init");
    rc = pthread_attr_setdetachstate(attr, PTHREAD_CREATE_DETACHED);
    if (rc != 0)
        die_errnum(rc, "pthread_attr_setdetachstate");
    rc = pthread_attr_setstacksize(attr, thread_stack_size());
    if (rc != 0)
        die_errnum(rc, "pthread_attr_setstacksize %zu", thread_stack_size());
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

/*
 * At Ctrl-C, exit_on_signal()'s _exit() ends the whole process, every
 * thread with it, and the kernel closes every socket, so each client sees
 * the connection close. Nothing is lost: the threads keep no state worth
 * saving, and every log line is already out (stdout is line-buffered).
 * Waking each thread to close its connection itself would take a list of
 * threads and a way to interrupt a blocked read() for the same result.
 */
static void install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = exit_on_signal; /* no SA_RESTART: it never returns */
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
        die("sigaction");
    /* A client that vanishes would make write() raise SIGPIPE and kill the
       whole server, every thread with it; ignored, write() fails with EPIPE
       for that client only. */
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
 * Not the lesson: the size of a thread's stack
 */

/*
 * Each thread's stack, set on purpose instead of the default (on Linux,
 * the "ulimit -s" value, usually 8 MiB). The deepest path is an error
 * message written from echo_until_eof(): its 16 KiB buffer, then labs.h
 * formatting the message in two 1 KiB buffers and vsnprintf()'s own
 * frames; THREAD_STACK_SIZE, 64 KiB, leaves room for sanitizer builds and
 * for changes. Only the pages a thread touches take memory, but the whole
 * size is address space: 1000 clients on default stacks would reserve 8 GiB.
 *
 * Our 64 KiB, unless the system's minimum is larger: on aarch64 glibc's
 * PTHREAD_STACK_MIN is 128 KiB and a smaller size fails with EINVAL. The
 * minimum may be unknown (sysconf returns -1, or the name is not defined):
 * then 64 KiB it is.
 */
static size_t thread_stack_size(void)
{
    size_t size = THREAD_STACK_SIZE;
#ifdef _SC_THREAD_STACK_MIN
    long minimum = sysconf(_SC_THREAD_STACK_MIN);
    if (minimum > 0 && (size_t)minimum > size)
        size = (size_t)minimum;
#endif
    return size;
}

/* ------------------------------------------------------------------------
 * Not the lesson: out of descriptors (skip on a first reading)
 */

/*
 * Out of descriptors (EMFILE: this process, ENFILE: the whole system), the
 * connection stays queued and accept() would fail again at once: retrying
 * straight away would spin at full speed, printing the error thousands of
 * times a second. Wait a little; a client that leaves frees a descriptor.
 * Not the lesson: running out of descriptors (skip on a first reading).
 */
static void wait_for_a_descriptor(void)
{
    struct timespec delay = {0, DESCRIPTOR_WAIT_MS * 1000000L};
    while (nanosleep(&delay, &delay) < 0 && errno == EINTR)
        continue;
}
