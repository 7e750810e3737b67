/*
 * reaper/server.c - the fork-per-connection echo server that leaves no
 * zombie: it reaps every child as soon as it ends.
 *
 * As in fork-zombie, the parent accepts and forks a child per connection.
 * When a child ends, the kernel sends the parent SIGCHLD; the handler calls
 * waitpid(-1, &status, WNOHANG) in a loop, because standard signals do not
 * queue: when many children end at once, one SIGCHLD may stand for all of
 * them. The handler keeps errno intact, calls only async-signal-safe
 * functions (its log line goes out with write(2), not printf), and accept()
 * interrupted by the signal is simply called again.
 * Notes 001 "Managing Zombie processes"; 004 "Process per connection".
 * The notes reap only when the next client connects; here the signal says
 * when, so a quiet server holds no zombie either.
 *
 * Try it:  ./server                      in one terminal
 *          ./client -c 50                in a second: 50 connections closed
 *                                        at once, 50 "reaped" lines, no Z
 *          ps -o pid,stat,cmd --ppid P   no Z (P: the pid in the server's
 *                                        first line; --ppid is Linux's ps)
 *
 * Usage:   server [-b ADDR] [-q] [PORT]      (default 127.0.0.1 port 5200)
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
#define DEFAULT_PORT "5200"
#define ECHO_BUFFER_SIZE 16384
#define PEER_TEXT_SIZE (INET6_ADDRSTRLEN + 16) /* "ADDR port NNNNN" */
#define FIRST_CHILD_CAPACITY 64
#define LOG_LINE_SIZE 128

static const char usage[] = "[-b ADDR] [-q] [PORT]";

struct options {
    const char *addr; /* numeric address to bind */
    const char *port; /* decimal port, "0" lets the kernel choose */
    int quiet;        /* -q: no per-connection log lines */
};

static volatile sig_atomic_t log_reaps = 1; /* 0 with -q; read by the handler */

/* The lesson, first below: main() and these. */
static void reap_children(int signo);
static void install_signal_handlers(void);
static int accept_connection(int listener, struct sockaddr_storage *from, socklen_t *fromlen);
static void fork_child(int listener, int conn, const char *peer, int quiet);
static void serve_in_child(int listener, int conn, const char *peer, int quiet);

/* Same in every lab, further down. */
static struct options parse_options(int argc, char *argv[]);
static void peer_text(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen);
static int listen_on(const char *addr, const char *port);
static void echo_until_eof(int conn, const char *peer);

/* Not the lesson: log lines that signals cannot break, further down. */
static void log_reaped(pid_t pid, int status);
static char *append_text(char *p, const char *s);
static char *append_number(char *p, long n);
static void log_connection(const char *peer);

/* Not the lesson: the list of children, for a clean shutdown, further down. */
static void stop_children_and_exit(int signo);
static sigset_t handled_signals(void);
static void mask_handled_signals(int how);
static int remember_child(pid_t pid);
static void forget_child(pid_t pid);

/*
 * SIGCHLD: some child has ended, perhaps many. Standard signals do not queue
 * (POSIX real-time signals do; SIGCHLD is not one of them): if ten
 * children end while this handler runs or the signal is blocked, one more
 * SIGCHLD arrives, not ten. So reap in a loop until no ended child is left;
 * WNOHANG makes waitpid() return 0 instead of blocking when the others are
 * still serving. waitpid() and write() may set errno: main() may be between
 * a failing call and reading its errno, so errno is put back as it was.
 */
static void reap_children(int signo)
{
    int saved_errno = errno;
    int status;
    pid_t pid;
    (void)signo;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        forget_child(pid);
        if (log_reaps)
            log_reaped(pid, status);
    }
    errno = saved_errno;
}

/*
 * No SA_RESTART for SIGCHLD, on purpose: a child that ends while the parent
 * waits in accept() makes accept() fail with EINTR, and accept_connection() calls it
 * again: that is the lesson. (With SA_RESTART, Linux and the BSDs would
 * restart accept() by themselves, and the lesson would be invisible; but
 * not every system restarts every call, so the retry is needed anyway.)
 * The price: every other slow call of the parent can fail with EINTR too,
 * writes to stdout included. So the parent's own log lines go out with
 * write_all(), which tries again (see log_connection()), never with printf.
 */
static void install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_mask = handled_signals(); /* one handler at a time */
    sa.sa_handler = stop_children_and_exit;
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
        die("sigaction");
    sa.sa_handler = reap_children;
    if (sigaction(SIGCHLD, &sa, NULL) < 0)
        die("sigaction SIGCHLD");
    /* A client that vanishes would make write() raise SIGPIPE and kill the
       child serving it; ignored, write() fails with EPIPE instead. */
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) < 0)
        die("sigaction");
}

/* accept(), called again when a signal (SIGCHLD) interrupts it. */
static int accept_connection(int listener, struct sockaddr_storage *from, socklen_t *fromlen)
{
    for (;;) {
        int conn;
        *fromlen = sizeof *from;
        conn = accept(listener, (struct sockaddr *)from, fromlen);
        if (conn >= 0 || errno != EINTR)
            return conn;
    }
}

int main(int argc, char *argv[])
{
    struct options opt;
    int listener;

    set_program_name(argv[0]);
    opt = parse_options(argc, argv);
    log_reaps = !opt.quiet;
    install_signal_handlers();
    setvbuf(stdout, NULL, _IOLBF, 0); /* each log line out as it happens */
    listener = listen_on(opt.addr, opt.port);

    for (;;) {
        struct sockaddr_storage from;
        socklen_t fromlen;
        char peer[PEER_TEXT_SIZE];
        int conn = accept_connection(listener, &from, &fromlen);
        if (conn < 0) {
            /* The connection may have failed before we took it; the server
               itself is fine. */
            warn_errno("accept");
            continue;
        }
        peer_text((struct sockaddr *)&from, fromlen, peer, sizeof peer);
        if (!opt.quiet)
            log_connection(peer);
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
 * handled signals wait until the new child is on the list: the child may end
 * before the parent returns from fork(), and its SIGCHLD must find it there.
 */
static void fork_child(int listener, int conn, const char *peer, int quiet)
{
    pid_t pid;
    mask_handled_signals(SIG_BLOCK);
    fflush(stdout); /* nothing half-written for the child to print again */
    pid = fork();
    if (pid < 0)
        warn_errno("fork for %s", peer);
    else if (pid == 0)
        serve_in_child(listener, conn, peer, quiet);
    else if (remember_child(pid) < 0) {
        warn_msg("no memory to remember child pid %ld: stopping it", (long)pid);
        kill(pid, SIGTERM);
    }
    mask_handled_signals(SIG_UNBLOCK);
}

/*
 * The child's side of fork(): serve one client, then leave. It closes its
 * copy of the listening socket (only the parent accepts) and leaves with
 * _exit(), so the stdio buffers it copied from the parent are not flushed a
 * second time. Its end raises SIGCHLD in the parent, which reaps it.
 */
static void serve_in_child(int listener, int conn, const char *peer, int quiet)
{
    struct sigaction sa;
    exit_after_fork();
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_DFL; /* the parent's handlers are not for us */
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0 ||
        sigaction(SIGCHLD, &sa, NULL) < 0)
        die("sigaction");
    mask_handled_signals(SIG_UNBLOCK);
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
 * Not the lesson: log lines that signals cannot break (skip on a first reading)
 */

/* "parent pid 4001: reaped child pid 4002, exit status 0", written with
   write(2): printf is not async-signal-safe (it may hold stdout's lock). */
static void log_reaped(pid_t pid, int status)
{
    char line[LOG_LINE_SIZE], *p = line;
    p = append_text(p, "parent pid ");
    p = append_number(p, (long)getpid());
    p = append_text(p, ": reaped child pid ");
    p = append_number(p, (long)pid);
    if (WIFEXITED(status)) {
        p = append_text(p, ", exit status ");
        p = append_number(p, WEXITSTATUS(status));
    } else {
        p = append_text(p, ", killed by signal ");
        p = append_number(p, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    *p++ = '\n';
    if (write(STDOUT_FILENO, line, (size_t)(p - line)) < 0)
        return; /* nowhere safe to report it from a handler */
}

/* Async-signal-safe: copy s to p and return the end. */
static char *append_text(char *p, const char *s)
{
    while (*s != '\0')
        *p++ = *s++;
    return p;
}

/* Async-signal-safe: the decimal digits of n >= 0 at p; return the end. */
static char *append_number(char *p, long n)
{
    char digits[24];
    int count = 0;
    do {
        digits[count++] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    while (count > 0)
        *p++ = digits[--count];
    return p;
}

/*
 * "parent pid P: connection from ADDR port N", formatted first, then sent
 * with one write(2) through write_all(), which calls write() again after
 * EINTR. Not printf: SIGCHLD has no SA_RESTART here (see
 * install_signal_handlers()), so it interrupts any slow call of the parent,
 * not only accept(). When stdout is a pipe that is full (./server | less,
 * with less behind), printf's write() waits; a child ending then makes it
 * fail with EINTR, and stdio does not try again: the line is lost.
 */
static void log_connection(const char *peer)
{
    char line[LOG_LINE_SIZE];
    int n =
        snprintf(line, sizeof line, "parent pid %ld: connection from %s\n", (long)getpid(), peer);
    if (n < 0 || (size_t)n >= sizeof line)
        n = snprintf(line, sizeof line, "parent pid %ld: connection\n", (long)getpid());
    if (write_all(STDOUT_FILENO, line, (size_t)n) < 0)
        warn_errno("write the log");
}

/* ------------------------------------------------------------------------
 * Not the lesson: the list of children, for a clean shutdown (skip on a first
 * reading)
 */

/*
 * The children not reaped yet. main() adds a child with SIGCHLD, SIGINT and
 * SIGTERM blocked; the SIGCHLD handler takes out each child it reaps; the
 * stop handler signals the rest. Each handler blocks the other while it runs,
 * so nobody sees the list half changed, and a pid on it is still our child.
 * Not the lesson: clean shutdown (skip on a first reading).
 */
static pid_t *children;
static size_t child_count, child_capacity;

/*
 * At Ctrl-C or SIGTERM: stop the children still serving a client, reap them
 * all, and exit, leaving nothing for PID 1 to adopt. (SIGCHLD is blocked in
 * here, so the list does not change under the loop.)
 */
static void stop_children_and_exit(int signo)
{
    size_t i;
    (void)signo;
    for (i = 0; i < child_count; i++)
        kill(children[i], SIGTERM);
    for (i = 0; i < child_count; i++)
        while (waitpid(children[i], NULL, 0) < 0 && errno == EINTR)
            continue;
    _exit(EXIT_SUCCESS);
}

/* The signals whose handlers use the list of children. */
static sigset_t handled_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGCHLD);
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

static void forget_child(pid_t pid)
{
    size_t i;
    for (i = 0; i < child_count; i++) {
        if (children[i] == pid) {
            children[i] = children[--child_count];
            return;
        }
    }
}
