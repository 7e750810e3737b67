/*
 * tcp-echo/client.c - the echo client: send each line, print the reply.
 *
 * It reads standard input line by line, sends each line (newline included)
 * and prints what comes back. A line that is just q or Q ends it, as in the
 * notes; so does end of input. Notes 001 "TCP Echo Server and Client".
 *
 * TCP is a byte stream with no record boundaries: the reply to one send()
 * may arrive in several pieces, so the client reads until the whole reply is
 * in instead of trusting a single recv() as the notes' client does.
 *
 * Try it:  ./client                     talk to 127.0.0.1 or ::1 port 5090
 *          printf 'hi\n' | ./client     works on piped input too
 *
 * Usage:   client [HOST [PORT]]         (default localhost 5090)
 */
#include "labs.h"

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT "5090"
/* Lines go out in chunks, each echoed back before the next is sent, so a
   huge line never fills both directions' buffers at once and deadlocks. */
#define CHUNK_SIZE 16384

static const char usage[] = "[HOST [PORT]]";

/* The lesson, first below: main() and these. */
static int connect_to(const char *host, const char *port);
static void echo_line(int sock, const char *line, size_t len);

/* Same in every lab, further down. */
static int is_quit(const char *line, size_t len);

int main(int argc, char *argv[])
{
    const char *host = DEFAULT_HOST, *port = DEFAULT_PORT;
    int prompt = isatty(STDIN_FILENO);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int sock;

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
    sock = connect_to(host, port);
    for (;;) {
        if (prompt) {
            fputs("> ", stdout);
            fflush(stdout);
        }
        len = getline(&line, &cap, stdin);
        if (len < 0 || is_quit(line, (size_t)len))
            break;
        echo_line(sock, line, (size_t)len);
    }
    if (ferror(stdin))
        die("read from stdin");
    free(line);
    if (close(sock) < 0)
        die("close");
    return EXIT_SUCCESS;
}

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
/* Send one line and copy its echo to stdout, chunk by chunk. */
static void echo_line(int sock, const char *line, size_t len)
{
    char reply[CHUNK_SIZE];
    size_t done = 0;
    while (done < len) {
        size_t chunk = len - done < CHUNK_SIZE ? len - done : CHUNK_SIZE;
        size_t got;
        if (write_all(sock, line + done, chunk) < 0)
            die("send");
        if (read_exactly(sock, reply, chunk, &got) < 0)
            die("receive");
        if (got < chunk)
            die_msg("the server closed the connection before replying in full");
        if (fwrite(reply, 1, chunk, stdout) != chunk)
            die("write to stdout");
        done += chunk;
    }
    if (fflush(stdout) == EOF)
        die("write to stdout");
}

/* ------------------------------------------------------------------------
 * Same in every lab (read it once here: the later labs copy it)
 */

/* Shared: first in tcp-echo/client.c, every copy identical (tests/layout.bats). */
/* The notes' quit convention: a line that is exactly q or Q. */
static int is_quit(const char *line, size_t len)
{
    if (len > 0 && line[len - 1] == '\n')
        len--;
    return len == 1 && (line[0] == 'q' || line[0] == 'Q');
}
