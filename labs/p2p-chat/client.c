/*
 * p2p-chat/client.c - the peer that connects: a two-way chat over one socket.
 *
 * It connects to the chat server, then watches two inputs at once with
 * poll(): the keyboard (stdin) and the socket. Each line typed is sent; each
 * line the peer sends is printed as "peer: LINE". Either side may type as
 * many lines as it likes while the other types too. A line that is just q or
 * Q, or end of input, ends the chat from this side; when the other side ends
 * it, the client prints "peer left". Both exit 0; a peer that vanishes
 * (connection reset) is reported and the client exits 1.
 * Notes 001 "(Simple command Peer to Peer Chat application)".
 *
 * The notes' client takes strict turns: recv(), then raw_input(), then
 * recv() again, so whoever is not expected to speak cannot. This one never
 * waits on one input while the other has something to say.
 *
 * Try it:  ./server           in one terminal
 *          ./client           in another; type in both, in any order
 *
 * Usage:   client [HOST [PORT]]         (default localhost 5000)
 */
#include "labs.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT "5000"
#define READ_CHUNK 65536
/* The longest line from the peer that is printed whole. A peer that sends
   more without a newline must not make us grow without limit: the line is
   cut there, and the rest of it is dropped up to its newline. */
#define MAX_LINE_BYTES 65536
/* After our input ends, how long the peer has to close its side too. After
   q there is no limit: someone is at the keyboard, and q again stops it. */
#define LEAVE_TIMEOUT_MS 2000

static const char usage[] = "[HOST [PORT]]";

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
static int connect_to(const char *host, const char *port);
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
    const char *host = DEFAULT_HOST, *port = DEFAULT_PORT;
    struct chat c;
    enum chat_end end;

    set_program_name(argv[0]);
    if (argc > 1 && argv[1][0] == '-')
        usage_error(usage, "unknown option '%s'", argv[1]);
    if (argc > 3)
        usage_error(usage, "too many arguments");
    if (argc > 1)
        host = argv[1];
    if (argc > 2)
        port = argv[2];
    if (parse_port(port) < 0)
        usage_error(usage, "bad port '%s': not a number from 0 to 65535", port);

    /* If the peer goes away, write() should fail with EPIPE and a message,
       not kill the client silently with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0); /* each peer line out as it arrives */
    memset(&c, 0, sizeof c);
    c.sock = connect_to(host, port);
    if (set_nonblocking(c.sock) < 0)
        die("fcntl O_NONBLOCK");
    end = chat_with_peer(&c);

    buffer_release(&c.typed);
    buffer_release(&c.received);
    buffer_release(&c.unsent);
    if (close(c.sock) < 0)
        die("close");
    return end == PEER_VANISHED ? EXIT_FAILURE : EXIT_SUCCESS;
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
