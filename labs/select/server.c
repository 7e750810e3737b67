/*
 * select/server.c - one thread serves every client with a select() loop.
 *
 * Instead of a process or a thread per connection, one loop asks select()
 * which descriptors are ready: the listening socket (a client is waiting to
 * be accepted), standard input (a line typed here shuts the server down) and
 * every client (bytes to echo, or room to send the echo). The loop only ever
 * calls what cannot block: the client sockets are non-blocking, and the echo
 * a client's socket cannot take at once waits in a buffer of its own, so a
 * client that sends and never reads fills only its own buffer, and is not
 * read from again until it drains. Notes 001 "Asynchronous Communication", "Blocking Socket",
 * "Non-blocking socket", "Echo server using select"; 003 section 3.3.
 *
 * One call in the loop can wait, knowingly: the log. printf() to stdout
 * waits when stdout is a pipe or terminal that nobody reads (./server | less
 * with less scrolled back, a terminal stopped with Ctrl-S), and then the
 * whole loop waits with it, every client included. Making stdout
 * non-blocking would not fix it cleanly: the flag belongs to the open file
 * the shell and terminal share, and a full log would then lose lines. Run
 * with -q, or log to a file, when nobody reads the log.
 *
 * Try it:  ./server            in one terminal
 *          ./client            in two or three others: all are served at once
 *          press Enter in the server's terminal to stop it
 *
 * Usage:   server [-b ADDR] [-q] [PORT]      (default 127.0.0.1 port 5400)
 *
 * Where the C differs from the Python: the notes' server blocks in send()
 * and in sys.stdin.readline(); here nothing in the loop waits for a client
 * (only for its own log, see above).
 */
#include "labs.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_ADDR "127.0.0.1"
#define DEFAULT_PORT "5400"
/* The most bytes read from a client at once, and so the most echo it can
   have waiting to be sent. While any of its echo waits the server does not
   read from that client, so the kernel's buffers fill and TCP flow control
   makes the client wait, not the server. */
#define OUTPUT_BUFFER_SIZE 65536
#define STDIN_BUFFER_SIZE 256
#define PEER_TEXT_SIZE (INET6_ADDRSTRLEN + 16) /* "ADDR port NNNNN" */

static const char usage[] = "[-b ADDR] [-q] [PORT]";

struct options {
    const char *addr; /* numeric address to bind */
    const char *port; /* decimal port, "0" lets the kernel choose */
    int quiet;        /* -q: no per-connection log lines */
};

/* One connected client. The table is indexed by descriptor. */
struct client {
    int connected;
    struct sockaddr_storage addr; /* who it is, for the log (peer_of()) */
    socklen_t addrlen;
    char *output; /* echo its socket did not take yet; NULL while none waits */
    size_t output_len;
};

struct server {
    int listener;
    int watching_stdin; /* until end of file on stdin */
    int spare_fd;       /* /dev/null, given up when accept() runs out (EMFILE) */
    int wakeup[2];      /* the self-pipe: signal handler -> select loop */
    int running;        /* until a line on stdin, SIGINT or SIGTERM */
    int quiet;
    int max_client_fd; /* the highest connected client's descriptor, or -1 */
    struct client clients[FD_SETSIZE];
};

/* The lesson, first below: main() and these. */
static void serve(struct server *s);
static int watch_descriptors(struct server *s, fd_set *readable, fd_set *writable);
static void accept_client(struct server *s);
static void add_client(struct server *s, int conn, const struct sockaddr_storage *from,
                       socklen_t fromlen);
static void read_from_client(struct server *s, int fd);
static void send_output(struct server *s, int fd);
static void close_client(struct server *s, int fd);
static const char *peer_of(const struct client *c);
static void read_stdin(struct server *s);
static int set_nonblocking(int fd);
static int would_block(int errnum);

/* Same in every lab, further down. */
static struct options parse_options(int argc, char *argv[]);
static void peer_text(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen);
static int listen_on(const char *addr, const char *port);

/* Not the lesson: a clean shutdown by the self-pipe, further down. */
static void install_signal_handlers(struct server *s);
static void wake_loop_on_signal(int signo);
static void read_signal_pipe(struct server *s);
static void shut_down(struct server *s);

/* Not the lesson: out of descriptors, further down. */
static void refuse_for_lack_of_descriptors(struct server *s, int why);

int main(int argc, char *argv[])
{
    static struct server s; /* its client table is too big for the stack */
    struct options opt;

    set_program_name(argv[0]);
    opt = parse_options(argc, argv);
    s.quiet = opt.quiet;
    s.max_client_fd = -1;
    s.running = 1;
    s.watching_stdin = 1;
    install_signal_handlers(&s);
    /* Each log line out as it happens; a log nobody reads stalls the loop
       (see the top of this file). */
    setvbuf(stdout, NULL, _IOLBF, 0);
    s.spare_fd = open("/dev/null", O_RDONLY); /* not the lesson: out of descriptors */
    if (s.spare_fd < 0)
        die("open /dev/null");
    s.listener = listen_on(opt.addr, opt.port);
    /* select() may say "a client is waiting" and the connection be gone
       when we call accept() (taken by another process sharing this socket;
       on the BSDs also a client that reset): a blocking accept() would then
       wait for the next client and freeze everyone. Non-blocking, it fails
       with EAGAIN instead. */
    if (set_nonblocking(s.listener) < 0)
        die("fcntl O_NONBLOCK on the listening socket");
    serve(&s);
    shut_down(&s);
    return EXIT_SUCCESS;
}

/* The loop: wait until something is ready, then do only what is ready. */
static void serve(struct server *s)
{
    while (s->running) {
        fd_set readable, writable;
        int fd, max_fd = watch_descriptors(s, &readable, &writable);
        if (select(max_fd + 1, &readable, &writable, NULL, NULL) < 0) {
            if (errno != EINTR)
                die("select");
            read_signal_pipe(s); /* interrupted by a signal: its byte waits */
            continue;
        }
        if (FD_ISSET(s->wakeup[0], &readable))
            read_signal_pipe(s);
        if (s->watching_stdin && FD_ISSET(STDIN_FILENO, &readable))
            read_stdin(s);
        if (!s->running)
            return;
        for (fd = 0; fd <= max_fd; fd++) {
            if (s->clients[fd].connected && FD_ISSET(fd, &writable))
                send_output(s, fd);
            if (s->clients[fd].connected && FD_ISSET(fd, &readable))
                read_from_client(s, fd);
        }
        /* Last, so that a descriptor closed above and reused by a new
           client is not mistaken for the old one's readiness. */
        if (FD_ISSET(s->listener, &readable))
            accept_client(s);
    }
}

/*
 * Fill the sets select() will look at; returns the highest descriptor.
 * A client is watched for reading while none of its echo waits, and for
 * writing while some does. Only the table up to the highest
 * client's descriptor is looked at, not all FD_SETSIZE entries: with a few
 * clients, a few entries.
 */
static int watch_descriptors(struct server *s, fd_set *readable, fd_set *writable)
{
    int fd, max_fd = s->wakeup[0];
    FD_ZERO(readable);
    FD_ZERO(writable);
    FD_SET(s->wakeup[0], readable);
    if (s->spare_fd >= 0) { /* not the lesson: out of descriptors */
        FD_SET(s->listener, readable);
        if (s->listener > max_fd)
            max_fd = s->listener;
    }
    if (s->watching_stdin)
        FD_SET(STDIN_FILENO, readable);
    for (fd = 0; fd <= s->max_client_fd; fd++) {
        struct client *c = &s->clients[fd];
        if (!c->connected)
            continue;
        if (c->output_len == 0)
            FD_SET(fd, readable);
        else
            FD_SET(fd, writable);
        if (fd > max_fd)
            max_fd = fd;
    }
    return max_fd;
}

/*
 * Accept one waiting client. If more are waiting, the listener is still
 * readable and the next select() returns at once: no accept() is spent on
 * finding the queue empty.
 */
static void accept_client(struct server *s)
{
    struct sockaddr_storage from;
    socklen_t fromlen = sizeof from;
    int conn = accept(s->listener, (struct sockaddr *)&from, &fromlen);
    if (conn < 0) {
        if (errno == EMFILE || errno == ENFILE) /* not the lesson: out of descriptors */
            refuse_for_lack_of_descriptors(s, errno);
        else if (errno != EINTR && errno != ECONNABORTED && !would_block(errno))
            warn_errno("accept");
        return; /* ECONNABORTED: that client left before we took it */
    }
    /* An fd_set holds descriptors 0 to FD_SETSIZE - 1 only: FD_SET on a
       higher one writes past its end. */
    if (conn >= FD_SETSIZE) {
        char peer[PEER_TEXT_SIZE];
        peer_text((struct sockaddr *)&from, fromlen, peer, sizeof peer);
        printf("refused %s: descriptor %d is past FD_SETSIZE\n", peer, conn);
        if (close(conn) < 0)
            warn_errno("close %s", peer);
        return;
    }
    add_client(s, conn, &from, fromlen);
}

static void add_client(struct server *s, int conn, const struct sockaddr_storage *from,
                       socklen_t fromlen)
{
    struct client *c = &s->clients[conn];
    c->addr = *from;
    c->addrlen = fromlen;
    /* One call, not set_nonblocking()'s two: a socket accept() just made
       has no other status flag to keep. */
    if (fcntl(conn, F_SETFL, O_NONBLOCK) < 0) {
        warn_errno("fcntl O_NONBLOCK for %s", peer_of(c));
        if (close(conn) < 0)
            warn_errno("close %s", peer_of(c));
        return;
    }
    c->connected = 1;
    if (conn > s->max_client_fd)
        s->max_client_fd = conn;
    if (!s->quiet)
        printf("connection from %s\n", peer_of(c));
}

/*
 * Read what the client sent and echo it at once. Bytes are echoed as they
 * come, whole lines or not: a line split across two segments never makes
 * the server wait for its end, and two lines in one segment are both sent
 * back. They are read into one buffer that every client shares (the loop
 * serves one client at a time); only what the socket does not take now is
 * copied into the client's own buffer, and the client is not read from
 * again until send_output() has sent it all.
 */
static void read_from_client(struct server *s, int fd)
{
    static char buf[OUTPUT_BUFFER_SIZE];
    struct client *c = &s->clients[fd];
    ssize_t sent, n = read(fd, buf, sizeof buf);
    if (n <= 0) {
        if (n < 0 && would_block(errno))
            return;
        if (n < 0)
            warn_errno("read from %s", peer_of(c));
        close_client(s, fd); /* n == 0: end of file, and all its echo is sent */
        return;
    }
    sent = write(fd, buf, (size_t)n); /* usually the whole echo leaves at once */
    if (sent < 0 && !would_block(errno)) {
        warn_errno("write to %s", peer_of(c));
        close_client(s, fd);
        return;
    }
    if (sent < 0)
        sent = 0;
    if (sent == n)
        return;
    c->output_len = (size_t)(n - sent);
    if ((c->output = malloc(c->output_len)) == NULL) {
        warn_errno("buffer for %s", peer_of(c));
        close_client(s, fd);
        return;
    }
    memcpy(c->output, buf + sent, c->output_len);
}

/*
 * Send as much of the client's waiting echo as its socket takes now. What is
 * left waits for select() to say the socket is writable again. Once the
 * buffer is empty it is freed: an idle client costs no buffer at all.
 */
static void send_output(struct server *s, int fd)
{
    struct client *c = &s->clients[fd];
    ssize_t n = write(fd, c->output, c->output_len);
    if (n < 0) {
        if (would_block(errno))
            return;
        warn_errno("write to %s", peer_of(c));
        close_client(s, fd);
        return;
    }
    c->output_len -= (size_t)n;
    memmove(c->output, c->output + n, c->output_len);
    if (c->output_len > 0)
        return;
    free(c->output);
    c->output = NULL;
}

static void close_client(struct server *s, int fd)
{
    struct client *c = &s->clients[fd];
    if (close(fd) < 0)
        warn_errno("close %s", peer_of(c));
    if (!s->quiet)
        printf("%s closed\n", peer_of(c));
    free(c->output);
    memset(c, 0, sizeof *c);
    while (s->max_client_fd >= 0 && !s->clients[s->max_client_fd].connected)
        s->max_client_fd--;
    /* A descriptor is free again: take back the spare if we had lost it
       (if this fails too, the next close tries again). */
    if (s->spare_fd < 0) /* not the lesson: out of descriptors */
        s->spare_fd = open("/dev/null", O_RDONLY);
}

/*
 * The client's "ADDR port P", for a log line. It is made when a line is
 * printed, not for every client: a server run with -q accepts thousands of
 * clients a second and prints nothing about them. The text lasts until the
 * next call.
 */
static const char *peer_of(const struct client *c)
{
    static char text[PEER_TEXT_SIZE];
    peer_text((const struct sockaddr *)&c->addr, c->addrlen, text, sizeof text);
    return text;
}

/* Standard input: a line shuts the server down; end of file is ignored. */
static void read_stdin(struct server *s)
{
    char buf[STDIN_BUFFER_SIZE];
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && (would_block(errno) || errno == EINTR))
        return; /* EINTR: stdin blocks, so a signal can interrupt it */
    if (n < 0) {
        warn_errno("read from stdin");
        s->watching_stdin = 0;
    } else if (n == 0) {
        /* Nobody will type here (stdin is /dev/null, or a closed pipe). A
           stdin at end of file stays "readable" forever: stop watching it,
           or the loop would spin. */
        s->watching_stdin = 0;
    } else if (memchr(buf, '\n', (size_t)n) != NULL) {
        printf("a line on stdin: shutting down\n");
        s->running = 0;
    }
}

/* Shared: first in select/server.c, every copy identical (tests/layout.bats). */
/* From now on read(), write() and accept() on fd fail with EAGAIN (or
   EWOULDBLOCK) instead of waiting. Returns 0, or -1 with errno set. */
static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Shared: first in select/server.c, every copy identical (tests/layout.bats). */
/* Did a call on a non-blocking descriptor fail only because it would
   have had to wait? POSIX allows either name for that error. */
static int would_block(int errnum)
{
    return errnum == EAGAIN || errnum == EWOULDBLOCK;
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

/* ------------------------------------------------------------------------
 * Not the lesson: a clean shutdown by the self-pipe (skip on a first reading)
 */

/*
 * The self-pipe trick. A handler that only set a flag could fire just after
 * the loop looked at the flag and just before select() blocks: the signal
 * would go unnoticed until some client happened to wake the loop. Writing a
 * byte into a pipe that select() watches cannot be missed: the byte waits in
 * the pipe until the loop reads it.
 */
static int signal_pipe_writer = -1;

static void wake_loop_on_signal(int signo)
{
    int saved_errno = errno; /* write() may change it under the main code */
    unsigned char byte = (unsigned char)signo;
    (void)!write(signal_pipe_writer, &byte, 1); /* a full pipe already wakes it */
    errno = saved_errno;
}

static void install_signal_handlers(struct server *s)
{
    struct sigaction sa;
    if (pipe(s->wakeup) < 0)
        die("pipe");
    /* The loop drains the pipe without waiting; the handler never blocks. */
    if (set_nonblocking(s->wakeup[0]) < 0 || set_nonblocking(s->wakeup[1]) < 0)
        die("fcntl O_NONBLOCK on the signal pipe");
    signal_pipe_writer = s->wakeup[1];

    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a select() the signal interrupts fails with EINTR and
       the loop reads the pipe at once (Linux never restarts select() anyway).
       Only a printf() stalled on a full stdout could fail with EINTR
       besides, and the server is stopping then anyway. */
    sa.sa_handler = wake_loop_on_signal;
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
        die("sigaction");
    /* A client that vanishes would make write() raise SIGPIPE and kill the
       whole server; ignored, write() fails with EPIPE for that client only. */
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) < 0)
        die("sigaction");
}

/* A byte in the self-pipe: SIGINT or SIGTERM arrived. */
static void read_signal_pipe(struct server *s)
{
    unsigned char signo;
    while (read(s->wakeup[0], &signo, 1) == 1) {
        printf("%s: shutting down\n", signo == SIGINT ? "SIGINT" : "SIGTERM");
        s->running = 0;
    }
}

/* Close every client, then everything else; echo not yet sent is lost. */
static void shut_down(struct server *s)
{
    int fd;
    for (fd = 0; fd < FD_SETSIZE; fd++)
        if (s->clients[fd].connected)
            close_client(s, fd);
    if (close(s->listener) < 0 || (s->spare_fd >= 0 && close(s->spare_fd) < 0))
        warn_errno("close");
    signal_pipe_writer = -1;
    if (close(s->wakeup[0]) < 0 || close(s->wakeup[1]) < 0)
        warn_errno("close the signal pipe");
}

/* ------------------------------------------------------------------------
 * Not the lesson: out of descriptors (skip on a first reading)
 */

/*
 * accept() failed for lack of descriptors (EMFILE, ENFILE). The client stays
 * in the listen queue, so select() would report the listener ready again at
 * once, and the loop would spin. Give up the spare descriptor, accept the
 * client with it and close it at once, then take the spare back.
 */
static void refuse_for_lack_of_descriptors(struct server *s, int why)
{
    struct sockaddr_storage from;
    socklen_t fromlen = sizeof from;
    char peer[PEER_TEXT_SIZE];
    int conn;

    if (s->spare_fd < 0) /* no spare: stop watching the listener meanwhile */
        return;
    if (close(s->spare_fd) < 0)
        warn_errno("close the spare descriptor");
    conn = accept(s->listener, (struct sockaddr *)&from, &fromlen);
    if (conn >= 0) {
        peer_text((struct sockaddr *)&from, fromlen, peer, sizeof peer);
        printf("refused %s: no descriptor left (%s)\n", peer, strerror(why));
        if (close(conn) < 0)
            warn_errno("close %s", peer);
    }
    s->spare_fd = open("/dev/null", O_RDONLY);
    if (s->spare_fd < 0)
        warn_errno("open /dev/null (the spare descriptor)");
}
