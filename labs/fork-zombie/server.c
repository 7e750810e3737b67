/*
 * fork-zombie/server.c - a TCP echo server that forks a child per connection
 * and never waits for its children.
 *
 * The parent only accepts: for each connection it forks, and the child
 * echoes that client until it leaves, then exits. So many clients are served
 * at once. But nobody calls wait() for a child that has ended, so each one
 * stays in the process table as a zombie (ps shows Z, <defunct>) until the
 * server itself exits and the children are adopted by PID 1 (or, on Linux, a
 * subreaper), which should reap them: on some machines (containers) PID 1
 * does not, and the zombies stay.
 * Notes 001 "Forking", "A basic fork in action", "Zombie Processes".
 * Unlike the notes' forking server, the parent closes its copy of each
 * connection, and nothing reaps the children (that is lab 4, reaper).
 *
 * Try it:  ./server                                  in one terminal
 *          printf 'hi\n' | ./client -n 3             in a second
 *          ps -A -o pid,ppid,stat,comm | grep server    three Z, whose ppid is
 *                                                    the server's pid (Linux
 *                                                    only: ps --ppid PID)
 *
 * Usage:   server [-b ADDR] [-q] [PORT]      (default 127.0.0.1 port 5100)
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
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_ADDR "127.0.0.1"
#define DEFAULT_PORT "5100"
#define ECHO_BUFFER_SIZE 16384
#define PEER_TEXT_SIZE (INET6_ADDRSTRLEN + 16) /* "ADDR port NNNNN" */
#define FIRST_CHILD_CAPACITY 64

static const char usage[] = "[-b ADDR] [-q] [PORT]";

struct options {
    const char *addr; /* numeric address to bind */
    const char *port; /* decimal port, "0" lets the kernel choose */
    int quiet;        /* -q: no per-connection log lines */
};

/* The lesson, first below: main() and these. */
static void fork_child(int listener, int conn, const char *peer, int quiet);
static void serve_in_child(int listener, int conn, const char *peer, int quiet);

/* Same in every lab, further down. */
static struct options parse_options(int argc, char *argv[]);
static void peer_text(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen);
static int listen_on(const char *addr, const char *port);
static void echo_until_eof(int conn, const char *peer);

/* Not the lesson: a clean shutdown, further down. */
static void install_signal_handlers(void);
static void stop_children_and_exit(int signo);
static sigset_t handled_signals(void);
static void mask_handled_signals(int how);
static int remember_child(pid_t pid);

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
            printf("parent pid %ld: connection from %s\n", (long)getpid(), peer);
        fork_child(listener, conn, peer, opt.quiet);
        /* The child has its own copy of the connection; without this close
           the parent would run out of descriptors, and the client would not
           see end of file when the child closes. */
        if (close(conn) < 0)
            warn_errno("close %s", peer);
    }
}

/*
 * fork() returns twice: 0 in the child, the child's pid in the parent. The
 * stop signals wait until the new child is on the list, so a Ctrl-C at that
 * moment cannot miss it.
 */
static void fork_child(int listener, int conn, const char *peer, int quiet)
{
    pid_t pid;
    mask_handled_signals(SIG_BLOCK); /* not the lesson: shutdown */
    fflush(stdout);                  /* nothing half-written for the child to print again */
    pid = fork();
    if (pid < 0)
        warn_errno("fork for %s", peer);
    else if (pid == 0)
        serve_in_child(listener, conn, peer, quiet);
    else if (remember_child(pid) < 0) { /* not the lesson: shutdown */
        warn_msg("no memory to remember child pid %ld: stopping it", (long)pid);
        kill(pid, SIGTERM);
    }
    mask_handled_signals(SIG_UNBLOCK); /* not the lesson: shutdown */
}

/*
 * The child's side of fork(): serve one client, then leave. It closes its
 * copy of the listening socket (only the parent accepts) and leaves with
 * _exit(), so the stdio buffers it copied from the parent are not flushed a
 * second time. Nobody will wait for it: it becomes a zombie.
 */
static void serve_in_child(int listener, int conn, const char *peer, int quiet)
{
    struct sigaction sa;
    exit_after_fork();
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_DFL; /* the parent's stop handler is not for us */
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
        die("sigaction");
    mask_handled_signals(SIG_UNBLOCK); /* not the lesson: shutdown */
    if (close(listener) < 0)
        die("close the listening socket");
    if (!quiet)
        printf("child pid %ld (parent pid %ld) serves %s\n", (long)getpid(), (long)getppid(), peer);
    echo_until_eof(conn, peer);
    if (close(conn) < 0)
        die("close %s", peer);
    if (!quiet)
        printf("child pid %ld: %s closed\n", (long)getpid(), peer);
    _exit(EXIT_SUCCESS);
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
 * Not the lesson: a clean shutdown (skip on a first reading)
 */

/*
 * Every child this server has forked. They are all still its children,
 * running or zombie, because it never waits: so none of these pids can have
 * been reused by another process. main() adds to the list with SIGINT and
 * SIGTERM blocked; the handler for those signals reads it.
 */
static pid_t *children;
static size_t child_count, child_capacity;

static void install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_mask = handled_signals(); /* one stop at a time */
    sa.sa_handler = stop_children_and_exit;
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
        die("sigaction");
    /* A client that vanishes would make write() raise SIGPIPE and kill the
       child serving it; ignored, write() fails with EPIPE instead. */
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) < 0)
        die("sigaction");
}

/*
 * At Ctrl-C or SIGTERM: stop the children still serving a client, wait until
 * they have ended, and exit. kill() on a zombie does nothing, so every child
 * can be signalled. waitid() with WNOWAIT waits for a child to end but leaves
 * it a zombie: the finished children stay zombies to the end, as the lesson
 * says. Not the lesson: clean shutdown (skip on a first reading).
 * Why waitid() here although POSIX does not list it as async-signal-safe
 * (waitpid() is listed): waitpid() has no WNOWAIT, so it would reap the
 * zombies this lab exists to show; waitid() is the only call that waits
 * without reaping. The risk of an unlisted function in a handler is that it
 * shares state (a lock, a buffer) with the code it interrupted; waitid() is
 * a thin wrapper of one system call in glibc, musl and the BSD libcs, and
 * this handler never returns to the interrupted code anyway: it _exit()s.
 * (Setting a flag and stopping from main() would need pselect() around
 * accept() to avoid sleeping through the signal: more than this lab needs.)
 */
static void stop_children_and_exit(int signo)
{
    siginfo_t info;
    size_t i;
    (void)signo;
    for (i = 0; i < child_count; i++)
        kill(children[i], SIGTERM);
    for (i = 0; i < child_count; i++)
        while (waitid(P_PID, (id_t)children[i], &info, WEXITED | WNOWAIT) < 0 && errno == EINTR)
            continue;
    _exit(EXIT_SUCCESS);
}

/* The signals whose handler uses the list of children. */
static sigset_t handled_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

/* Shared: first in fork-zombie/server.c, every copy identical (tests/layout.bats). */
/* Hold the handled signals back (how = SIG_BLOCK) or let them in again. */
static void mask_handled_signals(int how)
{
    sigset_t set = handled_signals();
    if (sigprocmask(how, &set, NULL) < 0)
        die("sigprocmask");
}

/* Shared: first in fork-zombie/server.c, every copy identical (tests/layout.bats). */
/* Called with the handled signals blocked. Returns -1 when out of memory. */
static int remember_child(pid_t pid)
{
    if (child_count == child_capacity) {
        size_t capacity = child_capacity == 0 ? FIRST_CHILD_CAPACITY : 2 * child_capacity;
        pid_t *grown = realloc(children, capacity * sizeof *grown);
        if (grown == NULL)
            return -1;
        children = grown;
        child_capacity = capacity;
    }
    children[child_count++] = pid;
    return 0;
}
