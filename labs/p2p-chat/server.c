/*
 * p2p-chat/server.c - the peer that waits: a two-way chat over one socket.
 *
 * It listens, accepts one peer and chats with it: each line typed here is
 * sent, each line the peer sends is printed as "peer: LINE", both in any
 * order, because poll() watches stdin and the socket together. A line that
 * is just q or Q ends this chat (the peer prints "peer left") and the server
 * waits for the next peer, as the notes' server loops on accept(). End of
 * input ends the chat and the server. While nobody is connected it watches
 * stdin and the listening socket together, so q or end of input there ends
 * the server at once. A peer that vanishes (reset) is reported, and the
 * server waits for the next one.
 * Notes 001 "(Simple command Peer to Peer Chat application)", with the
 * error handling of "Catching Exceptions".
 *
 * The notes' server takes strict turns: raw_input(), send(), then recv(),
 * so it cannot print what the peer says while it waits for its own user to
 * type. This one never waits on one input while the other has something.
 *
 * Try it:  ./server           in one terminal
 *          ./client           in another; type in both, in any order
 *
 * Usage:   server [-b ADDR] [-q] [PORT]      (default 127.0.0.1 port 5000)
 */
#include "labs.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_ADDR "127.0.0.1"
#define DEFAULT_PORT "5000"
#define READ_CHUNK 65536
/* The longest line from the peer that is printed whole. A peer that sends
   more without a newline must not make us grow without limit: the line is
   cut there, and the rest of it is dropped up to its newline. */
#define MAX_LINE_BYTES 65536
/* After our input ends, how long the peer has to close its side too. After
   q there is no limit: someone is at the keyboard, and q again stops it. */
#define LEAVE_TIMEOUT_MS 2000
#define PEER_TEXT_SIZE (INET6_ADDRSTRLEN + 16) /* "ADDR port NNNNN" */

static const char usage[] = "[-b ADDR] [-q] [PORT]";

struct options {
    const char *addr; /* numeric address to bind */
    const char *port; /* decimal port, "0" lets the kernel choose */
    int quiet;        /* -q: no per-connection log lines */
};

/* A growing byte buffer. What the peer sends is kept in one only up to
   MAX_LINE_BYTES (take_received()); what is typed here, without limit. */
struct buffer {
    char *data;
    size_t len, cap;
    size_t searched; /* how far line_end() looked without finding a newline */
};

/* How a chat ends. */
enum chat_end { CHAT_GOES_ON, PEER_LEFT, PEER_VANISHED, I_QUIT, MY_INPUT_ENDED };

struct chat {
    int sock;
    struct buffer typed;    /* from stdin: the start of a line not finished yet */
    struct buffer received; /* from the peer: the same, at most MAX_LINE_BYTES + 1 */
    int cutting;            /* a received line was cut: drop the rest up to its newline */
    struct buffer unsent;   /* whole typed lines the kernel did not take yet */
    enum chat_end leaving;  /* I_QUIT or MY_INPUT_ENDED once we leave */
    int half_closed;        /* shutdown(SHUT_WR) done: the peer saw our end */
    int close_now;          /* q typed again while leaving: stop waiting */
    long long deadline_ms;  /* when leaving: stop waiting for the peer then */
};

/* The lesson, first below: main() and these. */
static int wait_for_peer(int listener, struct buffer *typed, char *peer, size_t peerlen);
static int handle_typed_while_waiting(struct buffer *typed);
static enum chat_end serve_peer(struct chat *c, int conn, const char *peer, int quiet);
static enum chat_end chat_with_peer(struct chat *c);
static enum chat_end receive_from_peer(struct chat *c);
static void take_received(struct chat *c, const char *bytes, size_t n);
static void print_whole_lines(struct buffer *received);
static void print_peer_line(const char *line, size_t len);
static void read_typed(struct chat *c);
static void take_typed_lines(struct chat *c);
static enum chat_end send_unsent(struct chat *c);
static void start_leaving(struct chat *c, enum chat_end why);
static enum chat_end continue_leaving(struct chat *c);
static int set_nonblocking(int fd);
static int would_block(int errnum);

/* Same in every lab, further down. */
static struct options parse_options(int argc, char *argv[]);
static void exit_on_signal(int signo);
static void install_signal_handlers(void);
static void peer_text(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen);
static int listen_on(const char *addr, const char *port);
static int is_quit(const char *line, size_t len);

/* Not the lesson: a growing byte buffer, further down. */
static void buffer_append(struct buffer *b, const char *bytes, size_t n);
static void buffer_consume(struct buffer *b, size_t n);
static void buffer_release(struct buffer *b);
static char *line_end(struct buffer *b, size_t from);

/* Not the lesson: the clock, for the leave timeout, further down. */
static long long now_ms(void);
static int poll_timeout(const struct chat *c);

int main(int argc, char *argv[])
{
    struct options opt;
    struct chat c;
    char peer[PEER_TEXT_SIZE];
    int listener, conn;

    set_program_name(argv[0]);
    opt = parse_options(argc, argv);
    install_signal_handlers();
    setvbuf(stdout, NULL, _IOLBF, 0); /* each line out as it happens */
    listener = listen_on(opt.addr, opt.port);
    /* poll() may say "a peer is waiting" and accept() then find none: on
       Linux when another process holding this socket took the peer first,
       on macOS and the BSDs also when the peer reset before accept().
       accept() must then fail with EAGAIN, not block the server. */
    if (set_nonblocking(listener) < 0)
        die("fcntl O_NONBLOCK");
    memset(&c, 0, sizeof c);

    /* As the notes' server loops on accept(): after q, the next peer. */
    while ((conn = wait_for_peer(listener, &c.typed, peer, sizeof peer)) >= 0) {
        if (serve_peer(&c, conn, peer, opt.quiet) == MY_INPUT_ENDED)
            break;
    }
    buffer_release(&c.typed);
    buffer_release(&c.received);
    buffer_release(&c.unsent);
    if (close(listener) < 0)
        die("close");
    return EXIT_SUCCESS;
}

/*
 * Wait for the next peer, watching stdin too: q or end of input there ends
 * the server even when no peer ever comes. Returns the connection, or -1.
 */
static int wait_for_peer(int listener, struct buffer *typed, char *peer, size_t peerlen)
{
    while (handle_typed_while_waiting(typed)) {
        struct pollfd fds[2] = {{listener, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof from;
        char chunk[READ_CHUNK];
        ssize_t n;
        int conn;
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            die("poll");
        }
        if (fds[1].revents != 0) {
            if ((n = read_some(STDIN_FILENO, chunk, sizeof chunk)) < 0)
                die("read from stdin");
            if (n == 0)
                return -1;
            buffer_append(typed, chunk, (size_t)n);
            continue; /* handle what was typed before taking a peer */
        }
        if (fds[0].revents == 0)
            continue;
        conn = accept(listener, (struct sockaddr *)&from, &fromlen);
        if (conn >= 0) {
            peer_text((struct sockaddr *)&from, fromlen, peer, peerlen);
            return conn;
        }
        /* The peer may have gone before we took it; the server is fine. */
        if (!would_block(errno))
            warn_errno("accept");
    }
    return -1;
}

/*
 * While nobody is connected a typed line goes nowhere; q ends the server.
 * Returns 0 when the server should end.
 */
static int handle_typed_while_waiting(struct buffer *typed)
{
    size_t start = 0;
    char *newline;
    while ((newline = line_end(typed, start)) != NULL) {
        size_t len = (size_t)(newline - (typed->data + start));
        if (is_quit(typed->data + start, len))
            return 0;
        if (puts("nobody is connected: line not sent") == EOF)
            die("write to stdout");
        start += len + 1;
    }
    buffer_consume(typed, start);
    return 1;
}

/*
 * One chat with one peer, from accept() to close(). What was typed but not
 * yet handled (c->typed) carries over from one chat to the next.
 */
static enum chat_end serve_peer(struct chat *c, int conn, const char *peer, int quiet)
{
    enum chat_end end;
    if (!quiet)
        printf("peer connected from %s\n", peer);
    if (set_nonblocking(conn) < 0)
        die("fcntl O_NONBLOCK");
    c->sock = conn;
    c->leaving = CHAT_GOES_ON;
    c->half_closed = c->close_now = c->cutting = 0;
    end = chat_with_peer(c);
    /* Nothing of this chat is kept for the next, nor the memory it took
       (a long line typed here made typed and unsent grow too). */
    buffer_release(&c->received);
    buffer_release(&c->unsent);
    if (c->typed.len == 0)
        buffer_release(&c->typed);
    if (close(conn) < 0)
        warn_errno("close %s", peer);
    if (!quiet)
        printf("%s closed\n", peer);
    return end;
}

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
/* Watch the socket and stdin together until one side ends the chat. */
static enum chat_end chat_with_peer(struct chat *c)
{
    enum chat_end end = CHAT_GOES_ON;
    while (end == CHAT_GOES_ON) {
        struct pollfd fds[2] = {{c->sock, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        if (c->unsent.len > 0)
            fds[0].events |= POLLOUT;
        /* No more typing while earlier lines wait to go out (the peer sets
           the pace), nor once our input has ended. A negative fd is left
           out. After q stdin is still watched, for a second q. */
        if (c->unsent.len > 0 || c->leaving == MY_INPUT_ENDED)
            fds[1].fd = -1;
        if (poll(fds, 2, poll_timeout(c)) < 0) {
            if (errno == EINTR)
                continue;
            die("poll");
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
            end = receive_from_peer(c);
        if (end == CHAT_GOES_ON && fds[1].revents != 0)
            read_typed(c);
        if (end == CHAT_GOES_ON && c->unsent.len > 0)
            end = send_unsent(c);
        if (end == CHAT_GOES_ON && c->leaving != CHAT_GOES_ON)
            end = continue_leaving(c);
    }
    return end;
}

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
/* One read from the peer. End of file is the peer's shutdown or close. */
static enum chat_end receive_from_peer(struct chat *c)
{
    char chunk[READ_CHUNK];
    ssize_t n = read_some(c->sock, chunk, sizeof chunk);
    if (n < 0 && would_block(errno))
        return CHAT_GOES_ON; /* nothing after all */
    if (n < 0) {
        warn_errno("peer vanished");
        return PEER_VANISHED;
    }
    if (n > 0) {
        take_received(c, chunk, (size_t)n);
        return CHAT_GOES_ON;
    }
    if (c->received.len > 0) /* a last line without its newline */
        print_peer_line(c->received.data, c->received.len);
    if (c->leaving != CHAT_GOES_ON)
        return c->leaving; /* the answer to our own leaving */
    if (puts("peer left") == EOF)
        die("write to stdout");
    return PEER_LEFT;
}

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
/*
 * Bytes from the peer: keep them until their line is whole, but never more
 * than MAX_LINE_BYTES of one line. When a line grows past that, print what
 * came so far, say that it was cut, and drop its rest as it arrives, up to
 * and including its newline. So a peer that never sends a newline costs
 * a fixed amount of memory, and the chat goes on after its line.
 */
static void take_received(struct chat *c, const char *bytes, size_t n)
{
    while (n > 0) {
        size_t room, take;
        if (c->cutting) {
            const char *newline = memchr(bytes, '\n', n);
            if (newline == NULL)
                return; /* all of it belongs to the line being dropped */
            c->cutting = 0;
            n -= (size_t)(newline + 1 - bytes);
            bytes = newline + 1;
            continue;
        }
        /* One byte more than a line may hold: its newline, or the proof
           that the line is too long. */
        room = MAX_LINE_BYTES + 1 - c->received.len;
        take = n < room ? n : room;
        buffer_append(&c->received, bytes, take);
        bytes += take;
        n -= take;
        print_whole_lines(&c->received);
        if (c->received.len > MAX_LINE_BYTES) { /* no newline in the first MAX_LINE_BYTES + 1 */
            print_peer_line(c->received.data, MAX_LINE_BYTES);
            if (printf("peer's line cut at %d bytes: the rest is dropped\n", MAX_LINE_BYTES) < 0)
                die("write to stdout");
            buffer_consume(&c->received, c->received.len);
            c->cutting = 1;
        }
    }
}

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
/*
 * TCP delivers bytes, not lines: one read() may hold half a line or
 * several. Print each whole line; keep the unfinished rest for later.
 */
static void print_whole_lines(struct buffer *received)
{
    size_t start = 0;
    char *newline;
    while ((newline = line_end(received, start)) != NULL) {
        size_t len = (size_t)(newline - (received->data + start));
        print_peer_line(received->data + start, len);
        start += len + 1;
    }
    buffer_consume(received, start);
}

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
/* LINE holds no newline; print it as "peer: LINE". */
static void print_peer_line(const char *line, size_t len)
{
    if (fputs("peer: ", stdout) == EOF || fwrite(line, 1, len, stdout) != len ||
        putchar('\n') == EOF)
        die("write to stdout");
}

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
/* One read from stdin: poll() said it will not block. */
static void read_typed(struct chat *c)
{
    char chunk[READ_CHUNK];
    ssize_t n = read_some(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0)
        die("read from stdin");
    if (n > 0) {
        buffer_append(&c->typed, chunk, (size_t)n);
        take_typed_lines(c);
        return;
    }
    /* End of input: a last line without a newline is sent as it is (unless
       we left already: after q nothing more is sent). */
    if (c->leaving == CHAT_GOES_ON && c->typed.len > 0 && !is_quit(c->typed.data, c->typed.len))
        buffer_append(&c->unsent, c->typed.data, c->typed.len);
    buffer_consume(&c->typed, c->typed.len);
    start_leaving(c, MY_INPUT_ENDED);
}

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
/*
 * Move each whole typed line to the unsent buffer, newline included, until a
 * quit line. After q nothing more is sent: a line typed then is dropped with
 * a word, and a second q means "stop waiting for the peer, close now". What
 * is left (the start of a line) stays in typed.
 */
static void take_typed_lines(struct chat *c)
{
    size_t start = 0;
    char *newline;
    while (!c->close_now && (newline = line_end(&c->typed, start)) != NULL) {
        size_t len = (size_t)(newline - (c->typed.data + start));
        int quit = is_quit(c->typed.data + start, len);
        if (c->leaving == CHAT_GOES_ON && !quit)
            buffer_append(&c->unsent, c->typed.data + start, len + 1);
        else if (c->leaving == CHAT_GOES_ON)
            start_leaving(c, I_QUIT); /* q itself is not sent */
        else if (quit)
            c->close_now = 1; /* q again: stop waiting for the peer */
        else if (puts("you left: line not sent") == EOF)
            die("write to stdout");
        start += len + 1;
    }
    buffer_consume(&c->typed, start);
}

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
/*
 * The socket is non-blocking: write what the kernel takes now, keep the
 * rest for when poll() says POLLOUT. A blocking write could deadlock: if
 * both peers send a long line at once, each would wait in write() for the
 * other to read, and neither would ever read.
 */
static enum chat_end send_unsent(struct chat *c)
{
    size_t sent = 0;
    while (sent < c->unsent.len) {
        ssize_t n = write(c->sock, c->unsent.data + sent, c->unsent.len - sent);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && would_block(errno))
            break;
        if (n < 0) {
            warn_errno("peer vanished");
            return PEER_VANISHED;
        }
        sent += (size_t)n;
    }
    buffer_consume(&c->unsent, sent);
    return CHAT_GOES_ON;
}

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
static void start_leaving(struct chat *c, enum chat_end why)
{
    c->leaving = why;
    c->deadline_ms = now_ms() + LEAVE_TIMEOUT_MS;
}

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
/*
 * Leaving is a half-close: once every typed line is out, shutdown(SHUT_WR)
 * sends our end of file but keeps reading, so lines the peer sent before it
 * noticed are still printed, and nothing arrives at a closed socket (which
 * would answer with a reset). The peer closes in turn; we wait for that.
 * After q the wait has no limit (the keyboard is still watched: q again
 * closes at once); once our input has ended nobody can type q, so the wait
 * ends after LEAVE_TIMEOUT_MS.
 */
static enum chat_end continue_leaving(struct chat *c)
{
    if (!c->half_closed && c->unsent.len == 0) {
        if (shutdown(c->sock, SHUT_WR) < 0) {
            warn_errno("peer vanished");
            return PEER_VANISHED;
        }
        c->half_closed = 1;
    }
    if (c->close_now)
        return c->leaving; /* q again: stop waiting */
    if (c->leaving == MY_INPUT_ENDED && now_ms() >= c->deadline_ms) {
        warn_msg("the peer did not close within %d ms; closing anyway", LEAVE_TIMEOUT_MS);
        return c->leaving;
    }
    return CHAT_GOES_ON;
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
    /* A peer that vanishes would make write() raise SIGPIPE and kill the
       server; ignored, write() fails with EPIPE and only that chat ends. */
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

/* Shared: first in tcp-echo/client.c, every copy identical (tests/layout.bats). */
/* The notes' quit convention: a line that is exactly q or Q. */
static int is_quit(const char *line, size_t len)
{
    if (len > 0 && line[len - 1] == '\n')
        len--;
    return len == 1 && (line[0] == 'q' || line[0] == 'Q');
}

/* ------------------------------------------------------------------------
 * Not the lesson: a growing byte buffer
 */

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
static void buffer_append(struct buffer *b, const char *bytes, size_t n)
{
    if (n == 0)
        return; /* memcpy() must not see the NULL of an empty buffer */
    if (b->cap - b->len < n) {
        size_t cap = b->cap > 0 ? b->cap : 256;
        char *bigger;
        while (cap - b->len < n)
            cap *= 2;
        bigger = realloc(b->data, cap);
        if (bigger == NULL)
            die("cannot grow a buffer to %zu bytes", cap);
        b->data = bigger;
        b->cap = cap;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
}

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
/* Drop the first n bytes (lines already dealt with). */
static void buffer_consume(struct buffer *b, size_t n)
{
    if (n == 0)
        return;
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->searched = b->searched > n ? b->searched - n : 0;
}

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
/* Give the memory back: a long line made the buffer grow, and it should not
   stay that size for ever. */
static void buffer_release(struct buffer *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
/*
 * The newline ending the line that starts at FROM, or NULL: not there yet.
 * A long line arrives in many reads; the bytes searched before are not
 * searched again, or each read would cost as much as the whole line so far.
 */
static char *line_end(struct buffer *b, size_t from)
{
    char *newline;
    if (from < b->searched)
        from = b->searched;
    if (from >= b->len) /* also an empty buffer, whose data may be NULL */
        return NULL;
    newline = memchr(b->data + from, '\n', b->len - from);
    if (newline == NULL)
        b->searched = b->len;
    return newline;
}

/* ------------------------------------------------------------------------
 * Not the lesson: the clock, for the leave timeout
 */

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
/* long long: milliseconds since boot overflow a 32-bit long after 24 days. */
static long long now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        die("clock_gettime");
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Shared: first in p2p-chat/server.c, every copy identical (tests/layout.bats). */
/* How long poll() may sleep: for ever, unless our input ended and we wait
   for the peer to go. */
static int poll_timeout(const struct chat *c)
{
    long long left;
    if (c->leaving != MY_INPUT_ENDED)
        return -1;
    left = c->deadline_ms - now_ms();
    return left > 0 ? (int)left : 0;
}
