/*
 * pool/client.c - the pool's client: the base client, or the notes' random
 * talker, alone or as a crowd.
 *
 * Without options it is the base client: it sends each line of standard
 * input and prints the reply (q, Q or end of input ends it).
 * With -n COUNT it is the notes' pool client: it connects, prints its own
 * local address, then sends COUNT messages picked at random from the notes'
 * word list, each after a random pause of up to -d MS milliseconds, and
 * prints each reply. -c N runs N such clients at once, each in a process of
 * its own, every line prefixed with "[client I]". Notes 004 "Pool based
 * services", the client() function of both examples.
 *
 * The notes send a word without a newline and trust one recv() for the
 * reply; here each word ends with a newline and the client reads until the
 * whole reply is in, because TCP keeps no record boundaries.
 *
 * Try it:  ./client                       type lines, get them in upper case
 *          ./client -n 5                  five random words, one connection
 *          ./client -c 5 -n 3 -d 500      five clients at once against a
 *                                         pool of three: two of them wait
 *
 * Usage:   client [-n COUNT] [-d MS] [-c N] [HOST [PORT]]
 *          (default localhost 20446; with -c or -d alone COUNT is 5)
 */
#include "labs.h"

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_HOST "localhost"
#define DEFAULT_PORT "20446"
#define DEFAULT_COUNT 5      /* the notes' client(5, port) */
#define DEFAULT_PAUSE_MS 100 /* the notes pause up to 3 s; tests like it short */
#define MAX_COUNT 1000000
#define MAX_PAUSE_MS 60000
#define MAX_CLIENTS 1000
#define LABEL_SIZE 32     /* "[client 1000] " */
#define ADDR_TEXT_SIZE 80 /* "ADDR port NNNNN" */
/* Lines go out in chunks, each echoed back before the next is sent, so a
   huge line never fills both directions' buffers at once and deadlocks. */
#define CHUNK_SIZE 16384

static const char usage[] = "[-n COUNT] [-d MS] [-c N] [HOST [PORT]]";

/* The notes' messages. */
static const char *const words[] = {
    "hello", "bye", "why", "yes", "no", "maybe", "are you sure", "why not?",
};
#define WORD_COUNT (sizeof words / sizeof words[0])
/* Room for a word and its newline; a longer word is an error (checked where
   the message is made), never a message cut short. */
#define MESSAGE_SIZE 64

struct options {
    const char *host, *port;
    int talk_randomly; /* any of -n, -d, -c: the notes' client */
    long count;        /* -n: messages per client */
    long pause_ms;     /* -d: the longest pause before a message */
    long clients;      /* -c: clients running at once */
    int labelled;      /* -c given: prefix each line with the client */
};

/* The lesson, first below: main() and these. */
static long run_clients(const struct options *opt);
static void talk_randomly(const struct options *opt, const char *label);
static void print_local_address(int sock, const char *label);

/* Not the lesson: random words and pauses, further down. */
static long random_below(long limit);
static void pause_randomly(long max_ms);
static void seed_randomness(void);

/* Not the lesson: the one-connection client of tcp-echo, further down. */
static void echo_stdin(int sock);
static void echo_line(int sock, const char *line, size_t len);

/* Not the lesson: the command line, further down. */
static struct options parse_options(int argc, char *argv[]);
static long number_option(const char *text, long min, long max, const char *what);
static long parse_number(const char *text, long min, long max);

/* Same in every lab, further down. */
static int connect_to(const char *host, const char *port);
static int is_quit(const char *line, size_t len);

int main(int argc, char *argv[])
{
    struct options opt;
    int sock;

    set_program_name(argv[0]);
    /* One line, one write(): lines of clients running at once stay whole
       (labs.h writes each error message with one write already). */
    setvbuf(stdout, NULL, _IOLBF, 0);
    opt = parse_options(argc, argv);
    /* If the server goes away, send() should fail with EPIPE and a message,
       not kill the client silently with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);

    if (opt.talk_randomly && !opt.labelled) {
        seed_randomness();
        talk_randomly(&opt, "");
        return EXIT_SUCCESS;
    }
    if (opt.talk_randomly) {
        long failed = run_clients(&opt);
        if (failed > 0)
            die_msg("%ld of %ld clients failed", failed, opt.clients);
        return EXIT_SUCCESS;
    }
    sock = connect_to(opt.host, opt.port);
    echo_stdin(sock);
    if (close(sock) < 0)
        die("close");
    return EXIT_SUCCESS;
}

/* Fork one child per client, then reap them all. Returns how many failed. */
static long run_clients(const struct options *opt)
{
    pid_t *pids = calloc((size_t)opt->clients, sizeof *pids);
    long i, started, failed = 0;
    if (pids == NULL)
        die("calloc");
    fflush(stdout); /* or each child would print the parent's pending lines */
    for (started = 0; started < opt->clients; started++) {
        char label[LABEL_SIZE];
        pids[started] = fork();
        if (pids[started] < 0) {
            /* Out of processes: still reap the ones already running. */
            warn_errno("fork client %ld", started + 1);
            failed = opt->clients - started;
            break;
        }
        if (pids[started] > 0)
            continue;
        exit_after_fork();
        free(pids);        /* the parent's list; this child has no use for it */
        seed_randomness(); /* after fork, or all children would agree */
        snprintf(label, sizeof label, "[client %ld] ", started + 1);
        talk_randomly(opt, label);
        if (fflush(stdout) == EOF)
            die("write to stdout");
        _exit(EXIT_SUCCESS);
    }
    for (i = 0; i < started; i++) {
        int status;
        while (waitpid(pids[i], &status, 0) < 0)
            if (errno != EINTR)
                die("waitpid");
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++;
    }
    free(pids);
    return failed;
}

/* One connection, count random words, each reply printed after label. */
static void talk_randomly(const struct options *opt, const char *label)
{
    int sock = connect_to(opt->host, opt->port);
    long i;
    print_local_address(sock, label);
    for (i = 0; i < opt->count; i++) {
        char message[MESSAGE_SIZE], reply[MESSAGE_SIZE];
        const char *word = words[random_below(WORD_COUNT)];
        int n = snprintf(message, sizeof message, "%s\n", word);
        size_t len, got;
        if (n < 0 || (size_t)n >= sizeof message)
            die_msg("the word \"%s\" does not fit in %d bytes", word, MESSAGE_SIZE);
        len = (size_t)n;
        pause_randomly(opt->pause_ms);
        if (write_all(sock, message, len) < 0)
            die("send");
        if (read_exactly(sock, reply, len, &got) < 0)
            die("receive");
        if (got < len)
            die_msg("the server closed the connection before replying in full");
        printf("%s%.*s", label, n, reply);
    }
    if (close(sock) < 0)
        die("close");
}

/* "local address 127.0.0.1 port 50001": which end of the connection we are,
   as the notes print c.getsockname(). */
static void print_local_address(int sock, const char *label)
{
    struct sockaddr_storage local;
    socklen_t len = sizeof local;
    char host[ADDR_TEXT_SIZE], port[sizeof "65535"];
    int rc;
    if (getsockname(sock, (struct sockaddr *)&local, &len) < 0)
        die("getsockname");
    rc = getnameinfo((struct sockaddr *)&local, len, host, sizeof host, port, sizeof port,
                     NI_NUMERICHOST | NI_NUMERICSERV);
    if (rc != 0)
        die_msg("getnameinfo: %s", gai_strerror(rc));
    printf("%slocal address %s port %s\n", label, host, port);
}

/* ------------------------------------------------------------------------
 * Not the lesson: random words and pauses
 */

/* A random number from 0 to limit - 1. (rand() % limit would favour small
   numbers, and never reach past RAND_MAX, which may be as low as 32767.) */
static long random_below(long limit)
{
    return (long)((double)rand() / ((double)RAND_MAX + 1) * (double)limit);
}

/* Sleep a random time from 0 to max_ms milliseconds. */
static void pause_randomly(long max_ms)
{
    long ms = random_below(max_ms + 1);
    struct timespec left = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&left, &left) < 0)
        if (errno != EINTR)
            die("nanosleep");
}

/* Different runs (and different children) must pick different words. */
static void seed_randomness(void)
{
    srand((unsigned)time(NULL) ^ ((unsigned)getpid() << 8));
}

/* ------------------------------------------------------------------------
 * Not the lesson: the one-connection client of tcp-echo
 */

static void echo_stdin(int sock)
{
    int prompt = isatty(STDIN_FILENO);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
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
 * Not the lesson: the command line
 */

static struct options parse_options(int argc, char *argv[])
{
    struct options opt = {DEFAULT_HOST, DEFAULT_PORT, 0, DEFAULT_COUNT, DEFAULT_PAUSE_MS, 1, 0};
    int c;
    while ((c = getopt(argc, argv, "n:d:c:")) != -1) {
        switch (c) {
        case 'n': opt.count = number_option(optarg, 0, MAX_COUNT, "count"); break;
        case 'd': opt.pause_ms = number_option(optarg, 0, MAX_PAUSE_MS, "pause"); break;
        case 'c':
            opt.clients = number_option(optarg, 1, MAX_CLIENTS, "number of clients");
            opt.labelled = 1;
            break;
        default: usage_error(usage, "unknown option or missing argument");
        }
        opt.talk_randomly = 1;
    }
    if (argc - optind > 2)
        usage_error(usage, "too many arguments");
    if (argc - optind >= 1)
        opt.host = argv[optind];
    if (argc - optind == 2)
        opt.port = argv[optind + 1];
    if (parse_port(opt.port) < 0)
        usage_error(usage, "bad port '%s': not a number from 0 to 65535", opt.port);
    return opt;
}

static long number_option(const char *text, long min, long max, const char *what)
{
    long value = parse_number(text, min, max);
    if (value < 0)
        usage_error(usage, "bad %s '%s': a number from %ld to %ld", what, text, min, max);
    return value;
}

/* Shared: first in pool/server.c, every copy identical (tests/layout.bats). */
/* A whole decimal number from min to max, or -1. */
static long parse_number(const char *text, long min, long max)
{
    char *end;
    long value;
    if (text[0] < '0' || text[0] > '9')
        return -1;
    errno = 0;
    value = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > max)
        return -1;
    return value;
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
