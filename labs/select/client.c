/*
 * select/client.c - an echo client that watches stdin and the socket at once.
 *
 * The base client (tcp-echo) sends a line, then waits for its reply, then
 * waits for the next line: while it waits on the keyboard it cannot see that
 * the server has gone. This one asks select() which of the two is ready and
 * serves whichever is: typed lines go out, replies are printed as they come,
 * and a server that closes is noticed at once, even while nobody types.
 * Notes 001 "Echo client using select", "Non-blocking socket".
 *
 * At end of input (or a line that is q or Q) it half-closes the connection
 * with shutdown(SHUT_WR): "I will send no more". The server echoes what is
 * still on its way and then closes; the client prints it all and exits 0.
 *
 * Try it:  ./client                     talk to localhost port 5400
 *          seq 100000 | ./client        the replies overlap the sending
 *
 * Usage:   client [HOST [PORT]]         (default localhost 5400)
 *
 * Where the C differs from the Python: the notes' client still waits for
 * each reply in turn; this one never waits on one thing while the other is
 * ready, and it reads stdin with read(), not stdio (see read_stdin).
 */
#include "labs.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT "5400"
/* Typed bytes waiting to be sent. While it is full, stdin is not read, so
   a fast input (a pipe) never outruns a slow connection. */
#define SEND_BUFFER_SIZE 65536
#define RECEIVE_BUFFER_SIZE 16384

static const char usage[] = "[HOST [PORT]]";

struct session {
    int sock;
    int reading_stdin; /* until end of input or a q line */
    int half_closed;   /* shutdown(SHUT_WR) done: no more to send */
    int at_line_start; /* the next byte from stdin starts a line */
    char held_quit;    /* a q or Q starting a line: sent only if more follows */
    int prompt;        /* stdin is a terminal: show "> " when caught up */
    int prompt_shown;
    unsigned long long sent, received; /* bytes, to know when replies caught up */
    char output[SEND_BUFFER_SIZE];     /* typed, not yet sent */
    size_t output_len;
};

/* The lesson, first below: main() and these. */
static void talk(struct session *s);
static void read_stdin(struct session *s);
static int queue_typed(struct session *s, const char *buf, size_t len);
static void queue_byte(struct session *s, char byte);
static void send_typed(struct session *s);
static void half_close(struct session *s);
static int print_replies(struct session *s);
static int set_nonblocking(int fd);
static int would_block(int errnum);

/* Same in every lab, further down. */
static int connect_to(const char *host, const char *port);

/* Not the lesson: the prompt, and writing to stdout, further down. */
static void show_prompt(struct session *s);
static void write_stdout(const void *buf, size_t len);

int main(int argc, char *argv[])
{
    static struct session s; /* its send buffer is big for the stack */
    const char *host = DEFAULT_HOST, *port = DEFAULT_PORT;

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

    /* If the server goes away, send() should fail with EPIPE and a message,
       not kill the client silently with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    s.sock = connect_to(host, port);
    if (s.sock >= FD_SETSIZE) /* an fd_set cannot hold it */
        die_msg("descriptor %d is past FD_SETSIZE (%d)", s.sock, FD_SETSIZE);
    /* A blocking send() of a long input would stop the client from reading
       replies; the server, its buffer for us full, would stop reading too. */
    if (set_nonblocking(s.sock) < 0)
        die("fcntl O_NONBLOCK");
    s.reading_stdin = 1;
    s.at_line_start = 1;
    s.prompt = isatty(STDIN_FILENO);
    talk(&s);
    if (close(s.sock) < 0)
        die("close");
    return EXIT_SUCCESS;
}

/* The loop: wait until stdin or the socket is ready, then do what is ready. */
static void talk(struct session *s)
{
    for (;;) {
        fd_set readable, writable;
        show_prompt(s); /* not the lesson: the prompt */
        if (!s->reading_stdin && s->output_len == 0 && !s->half_closed)
            half_close(s);
        FD_ZERO(&readable);
        FD_ZERO(&writable);
        FD_SET(s->sock, &readable);
        if (s->reading_stdin && s->output_len < SEND_BUFFER_SIZE - 1)
            FD_SET(STDIN_FILENO, &readable);
        if (s->output_len > 0)
            FD_SET(s->sock, &writable);
        if (select(s->sock + 1, &readable, &writable, NULL, NULL) < 0) {
            if (errno == EINTR)
                continue;
            die("select");
        }
        if (FD_ISSET(s->sock, &readable) && !print_replies(s))
            return;
        if (FD_ISSET(s->sock, &writable))
            send_typed(s);
        if (FD_ISSET(STDIN_FILENO, &readable))
            read_stdin(s);
    }
}

/*
 * stdin is read with read(), never with stdio's getline(): stdio would pull
 * several lines into its own buffer at once, where select() cannot see them,
 * and the client would sit waiting on a descriptor with nothing left in it.
 */
static void read_stdin(struct session *s)
{
    char buf[SEND_BUFFER_SIZE];
    /* Room for every byte read plus a held-back q. */
    size_t room = SEND_BUFFER_SIZE - s->output_len - 1;
    ssize_t n = read(STDIN_FILENO, buf, room);
    if (n < 0 && (would_block(errno) || errno == EINTR))
        return; /* EINTR: stdin blocks, so a signal can interrupt it */
    if (n < 0)
        die("read from stdin");
    s->prompt_shown = 0;
    if (n > 0 && !queue_typed(s, buf, (size_t)n))
        return;
    /* End of input, or a quit line. A lone q before end of input counts as
       a quit line too, as in the base client. */
    s->reading_stdin = 0;
}

/*
 * Queue the bytes typed, whole lines or not (a line has no length limit),
 * except the notes' quit line: a line that is exactly q or Q. A q at the
 * start of a line is held back until the next byte tells: a newline means
 * quit, anything else means it was just a q. Returns 1 on a quit line.
 */
static int queue_typed(struct session *s, const char *buf, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        if (s->held_quit != 0) {
            if (buf[i] == '\n')
                return 1;
            queue_byte(s, s->held_quit);
            s->held_quit = 0;
        }
        if (s->at_line_start && (buf[i] == 'q' || buf[i] == 'Q')) {
            s->held_quit = buf[i];
            s->at_line_start = 0;
        } else {
            queue_byte(s, buf[i]);
        }
    }
    return 0;
}

static void queue_byte(struct session *s, char byte)
{
    s->output[s->output_len++] = byte;
    s->at_line_start = byte == '\n';
}

/* Send what the socket takes now; the rest waits until it is writable. */
static void send_typed(struct session *s)
{
    ssize_t n = write(s->sock, s->output, s->output_len);
    if (n < 0) {
        if (would_block(errno))
            return;
        die("send");
    }
    s->output_len -= (size_t)n;
    s->sent += (unsigned long long)n;
    memmove(s->output, s->output + n, s->output_len);
}

/*
 * Nothing more to send: tell the server with a half-close. It still echoes
 * what is on its way, then closes its side, which ends the client.
 */
static void half_close(struct session *s)
{
    if (shutdown(s->sock, SHUT_WR) < 0)
        die("shutdown");
    s->half_closed = 1;
}

/* Print the replies that came. Returns 0 once the server has closed. */
static int print_replies(struct session *s)
{
    char buf[RECEIVE_BUFFER_SIZE];
    ssize_t n = read(s->sock, buf, sizeof buf);
    if (n < 0 && would_block(errno))
        return 1;
    if (n < 0)
        die("receive");
    if (n == 0) {
        if (s->half_closed)
            return 0; /* every reply is in: a normal end */
        die_msg("the server closed the connection");
    }
    write_stdout(buf, (size_t)n);
    s->received += (unsigned long long)n;
    return 1;
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

/* ------------------------------------------------------------------------
 * Not the lesson: the prompt, and writing to stdout
 */

/* On a terminal, show "> " when every line sent has come back. */
static void show_prompt(struct session *s)
{
    if (!s->prompt || s->prompt_shown || !s->reading_stdin || !s->at_line_start)
        return;
    if (s->output_len > 0 || s->received != s->sent)
        return;
    write_stdout("> ", 2);
    s->prompt_shown = 1;
}

static void write_stdout(const void *buf, size_t len)
{
    if (write_all(STDOUT_FILENO, buf, len) < 0)
        die("write to stdout");
}
