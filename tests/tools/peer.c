/*
 * peer.c - a misbehaving or crowd-making TCP client for the tests.
 *
 *   peer reset HOST PORT        connect, send a line, then close with a reset
 *                               (SO_LINGER 0) instead of a normal close
 *   peer flood HOST PORT        connect and send without reading a single
 *                               reply until the connection takes no more
 *                               (both sides' buffers full for FLOOD_STALL_MS),
 *                               then close: unread data makes the kernel
 *                               reset the connection
 *   peer hold HOST PORT N [LINE]
 *                               open N connections at once; if LINE is given,
 *                               send it on each and check its echo; print
 *                               "holding N" and wait for end of stdin; then
 *                               close them all at the same moment
 *
 * Exit status 0 when everything went as described, 1 otherwise.
 */
#include "labs.h"

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char usage[] = "reset|flood|hold HOST PORT [N [LINE]]";

#define FLOOD_STALL_MS 200

static int connect_to(const char *host, const char *port)
{
    struct addrinfo hints, *ai;
    int fd, rc;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0)
        die_msg("%s port %s: %s", host, port, gai_strerror(rc));
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0)
        die("socket");
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
        die("connect to %s port %s", host, port);
    freeaddrinfo(ai);
    return fd;
}

static int reset(const char *host, const char *port)
{
    struct linger abort_close = {1, 0};
    int fd = connect_to(host, port);
    if (write_all(fd, "hello\n", 6) < 0)
        die("send");
    if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close) < 0)
        die("setsockopt SO_LINGER");
    if (close(fd) < 0)
        die("close");
    return 0;
}

static int flood(const char *host, const char *port)
{
    struct timeval stall = {0, FLOOD_STALL_MS * 1000};
    char block[65536];
    int fd = connect_to(host, port);
    memset(block, 'x', sizeof block);
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &stall, sizeof stall) < 0)
        die("setsockopt SO_SNDTIMEO");
    while (write_all(fd, block, sizeof block) == 0)
        continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
        die("send");
    if (close(fd) < 0)
        die("close");
    return 0;
}

static int hold(const char *host, const char *port, long count, const char *line)
{
    int *fds = calloc((size_t)count, sizeof *fds);
    size_t len = line != NULL ? strlen(line) : 0;
    char *echo = malloc(len + 1);
    char drain[256];
    size_t got;
    long i;
    if (fds == NULL || echo == NULL)
        die("calloc");
    for (i = 0; i < count; i++)
        fds[i] = connect_to(host, port);
    for (i = 0; i < count && line != NULL; i++) {
        if (write_all(fds[i], line, len) < 0)
            die("send on connection %ld", i);
        if (read_exactly(fds[i], echo, len, &got) < 0)
            die("receive on connection %ld", i);
        if (got != len || memcmp(echo, line, len) != 0)
            die_msg("connection %ld: no echo", i);
    }
    printf("holding %ld\n", count);
    fflush(stdout);
    while (read_some(STDIN_FILENO, drain, sizeof drain) > 0)
        continue;
    for (i = 0; i < count; i++)
        if (close(fds[i]) < 0)
            die("close");
    free(fds);
    free(echo);
    return 0;
}

int main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    signal(SIGPIPE, SIG_IGN);
    if (argc == 4 && strcmp(argv[1], "reset") == 0)
        return reset(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "flood") == 0)
        return flood(argv[2], argv[3]);
    if ((argc == 5 || argc == 6) && strcmp(argv[1], "hold") == 0)
        return hold(argv[2], argv[3], atol(argv[4]), argc == 6 ? argv[5] : NULL);
    usage_error(usage, "unknown command");
}
