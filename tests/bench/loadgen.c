/*
 * loadgen.c - the load client of `make bench`: many clients at once against
 * one server, every reply checked, rates and latencies reported.
 *
 * It is Stevens' load client (UNP, chapter 30): C clients run at once, and each
 * makes R connections that send B bytes and read the echo back before
 * closing. With -p each client keeps one connection instead and makes R
 * round trips on it. With -d the clients run for a time instead of a count.
 * Every reply is compared byte for byte with what was sent (or with its
 * upper-case form, -u, for the pool's service); a wrong, short, late or
 * missing reply is counted as an error of its kind, never hidden.
 * -s measures the floor: the same round trips over a socketpair to an echo
 * thread inside this program, with no server design in the way.
 * -i N holds N more connections open, idle, while the clients run.
 *
 * Try it:  ../../labs/tcp-echo/server -q 7000 &
 *          ./loadgen -c 4 -r 200 127.0.0.1 7000
 *          ./loadgen -c 4 -d 1 -p 127.0.0.1 7000
 *          ./loadgen -s -d 1
 *
 * It prints one line of NAME=VALUE pairs (ops_per_s, p50_us, p99_us,
 * errors and each kind of error...) and exits 0 when every operation
 * succeeded, 1 when some failed, 2 on a bad command line.
 * Notes 004 ends on the question this answers: which server design serves
 * best? The notes' pool client sends random words after random pauses, to
 * show the pool at work; this one sends at full speed, to measure it.
 */
#include "labs.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_CLIENTS 4
#define DEFAULT_COUNT 100
#define DEFAULT_BYTES 64
#define DEFAULT_TIMEOUT_MS 5000
#define MAX_CLIENTS 10000
#define MAX_BYTES (64L * 1024 * 1024)
#define MAX_IDLE 100000
#define MAX_SECONDS 3600.0
#define CHUNK_SIZE 16384   /* sent, then read back, before the next chunk */
#define IDLE_CHECK_MS 2000 /* how long idle connections may take to answer */
#define LINE_LENGTH 64     /* the request is text in lines this long */
#define NS_PER_S 1000000000LL

static const char usage[] = "[-c CLIENTS] [-r COUNT | -d SECONDS] [-b BYTES] [-t MS] "
                            "[-i IDLE] [-p] [-u] HOST PORT | -s [-c CLIENTS] [-r COUNT | "
                            "-d SECONDS] [-b BYTES]";

struct options {
    long clients;    /* -c: clients running at once */
    long count;      /* -r: operations per client (when seconds is 0) */
    double seconds;  /* -d: run for this long instead of a count */
    long bytes;      /* -b: bytes per request */
    long timeout_ms; /* -t: the longest any connect, send or receive may take */
    long idle;       /* -i: idle connections held during the run */
    int persistent;  /* -p: one connection per client, round trips on it */
    int upper;       /* -u: the reply is the request in upper case */
    int floor;       /* -s: a socketpair to an echo thread, no server */
    const char *host, *port;
};

/* Why an operation failed. Each kind is counted and reported once. */
enum error_kind { ERR_CONNECT, ERR_TIMEOUT, ERR_CLOSED, ERR_MISMATCH, ERR_OTHER, ERR_KINDS };
static const char *const error_names[ERR_KINDS] = {"connect", "timeout", "closed", "mismatch",
                                                   "other"};

struct latencies {
    int64_t *ns; /* one entry per successful operation */
    size_t len, cap;
};

/* One client: its own counters and buffers, so clients share nothing while
   they run; main() adds them up after joining them. */
struct client {
    pthread_t thread, echo_thread;
    long id;
    const struct options *opt;
    const struct addrinfo *server;
    char *request, *expected, *reply;
    int pair[2]; /* -s: [0] is ours, [1] the echo thread's */
    long attempted, ok, connections;
    long errors[ERR_KINDS];
    long long bytes_out, bytes_in;
    struct latencies latency;
};

/* The start line: every client waits until all exist, then they go. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_open = PTHREAD_COND_INITIALIZER;
static int started;
static struct timespec start_time, deadline;

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static int reported[ERR_KINDS];

/* pthread functions return an error number instead of setting errno. */
static void check_pthread(int rc, const char *what)
{
    if (rc != 0)
        die_errnum(rc, "%s", what);
}

static long parse_long(const char *text, long min, long max, char option)
{
    char *end;
    long value;
    errno = 0;
    value = strtol(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || errno != 0 || *end != '\0' || value < min || value > max)
        usage_error(usage, "bad -%c '%s': not a number from %ld to %ld", option, text, min, max);
    return value;
}

static double parse_seconds(const char *text)
{
    char *end;
    double value;
    errno = 0;
    value = strtod(text, &end);
    if (text[0] < '0' || text[0] > '9' || errno != 0 || *end != '\0' || !(value > 0) ||
        value > MAX_SECONDS)
        usage_error(usage, "bad -d '%s': not a number of seconds above 0, up to %.0f", text,
                    MAX_SECONDS);
    return value;
}

static struct options parse_options(int argc, char *argv[])
{
    struct options opt = {DEFAULT_CLIENTS,
                          DEFAULT_COUNT,
                          0,
                          DEFAULT_BYTES,
                          DEFAULT_TIMEOUT_MS,
                          0,
                          0,
                          0,
                          0,
                          NULL,
                          NULL};
    int c, counted = 0;
    while ((c = getopt(argc, argv, "c:r:d:b:t:i:pus")) != -1) {
        switch (c) {
        case 'c': opt.clients = parse_long(optarg, 1, MAX_CLIENTS, 'c'); break;
        case 'r':
            opt.count = parse_long(optarg, 1, LONG_MAX / MAX_CLIENTS, 'r');
            counted = 1;
            break;
        case 'd': opt.seconds = parse_seconds(optarg); break;
        case 'b': opt.bytes = parse_long(optarg, 1, MAX_BYTES, 'b'); break;
        case 't': opt.timeout_ms = parse_long(optarg, 1, 3600000, 't'); break;
        case 'i': opt.idle = parse_long(optarg, 0, MAX_IDLE, 'i'); break;
        case 'p': opt.persistent = 1; break;
        case 'u': opt.upper = 1; break;
        case 's': opt.floor = opt.persistent = 1; break;
        default: usage_error(usage, "unknown option or missing argument");
        }
    }
    if (counted && opt.seconds > 0)
        usage_error(usage, "-r and -d exclude each other: a count or a time");
    if (opt.floor) {
        if (argc - optind != 0 || opt.idle > 0 || opt.upper)
            usage_error(usage, "-s takes no HOST PORT, -i or -u: there is no server");
        return opt;
    }
    if (argc - optind != 2)
        usage_error(usage, argc - optind < 2 ? "HOST and PORT are needed" : "too many arguments");
    opt.host = argv[optind];
    opt.port = argv[optind + 1];
    if (parse_port(opt.port) < 1)
        usage_error(usage, "bad port '%s': not a number from 1 to 65535", opt.port);
    return opt;
}

static int64_t elapsed_ns(const struct timespec *from, const struct timespec *to)
{
    return (int64_t)(to->tv_sec - from->tv_sec) * NS_PER_S + (to->tv_nsec - from->tv_nsec);
}

static struct timespec now(void)
{
    struct timespec t;
    if (clock_gettime(CLOCK_MONOTONIC, &t) < 0)
        die("clock_gettime");
    return t;
}

/* Count an error; the first of each kind is also described on stderr. */
static void record_error(struct client *c, enum error_kind kind, const char *what, int errnum)
{
    int first;
    c->errors[kind]++;
    check_pthread(pthread_mutex_lock(&report_lock), "pthread_mutex_lock");
    first = !reported[kind];
    reported[kind] = 1;
    check_pthread(pthread_mutex_unlock(&report_lock), "pthread_mutex_unlock");
    if (first)
        warn_msg("client %ld: %s%s%s (the first %s error; the others are counted)", c->id, what,
                 errnum != 0 ? ": " : "", errnum != 0 ? strerror(errnum) : "", error_names[kind]);
}

/* A failed read or write: too slow, the peer gone, or something else. */
static void record_io_error(struct client *c, const char *what)
{
    int saved = errno;
    char late[128];
    if (saved == EAGAIN || saved == EWOULDBLOCK) {
        snprintf(late, sizeof late, "%s: nothing within %ld ms", what, c->opt->timeout_ms);
        record_error(c, ERR_TIMEOUT, late, 0);
    } else if (saved == ECONNRESET || saved == EPIPE)
        record_error(c, ERR_CLOSED, what, saved);
    else
        record_error(c, ERR_OTHER, what, saved);
}

/* SO_RCVTIMEO and SO_SNDTIMEO: a stuck server makes errors, not a hang. */
static int set_timeouts(int fd, long ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0)
        return -1;
    return 0;
}

/* Try each address of the server in turn; -1 when none answers. */
static int connect_to_server(const struct addrinfo *list, long timeout_ms)
{
    const struct addrinfo *ai;
    int fd = -1, saved = 0;
    for (ai = list; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (set_timeouts(fd, timeout_ms) == 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            return fd;
        saved = errno;
        close(fd);
        fd = -1;
    }
    errno = saved;
    return -1;
}

static int open_connection(struct client *c)
{
    int fd = connect_to_server(c->server, c->opt->timeout_ms);
    if (fd < 0) {
        char what[160];
        int saved = errno;
        snprintf(what, sizeof what, "connect to %s port %s", c->opt->host, c->opt->port);
        if (saved == EINPROGRESS) { /* Linux: SO_SNDTIMEO ran out during connect() */
            snprintf(what + strlen(what), sizeof what - strlen(what),
                     ": not accepted within %ld ms", c->opt->timeout_ms);
            saved = 0;
        }
        record_error(c, ERR_CONNECT, what, saved);
        return -1;
    }
    c->connections++;
    return fd;
}

/*
 * Send the request and read the reply, one chunk at a time like the labs'
 * client, so a request bigger than the socket buffers cannot deadlock with
 * a server that echoes as it reads. 0 when the reply was right.
 */
static int round_trip(struct client *c, int fd)
{
    size_t len = (size_t)c->opt->bytes, done = 0;
    while (done < len) {
        size_t chunk = len - done < CHUNK_SIZE ? len - done : CHUNK_SIZE;
        size_t got;
        int rc;
        if (write_all(fd, c->request + done, chunk) < 0) {
            record_io_error(c, "send");
            return -1;
        }
        c->bytes_out += (long long)chunk;
        rc = read_exactly(fd, c->reply + done, chunk, &got);
        c->bytes_in += (long long)got; /* what did arrive counts, even before an error */
        if (rc < 0) {
            record_io_error(c, "receive");
            return -1;
        }
        if (got < chunk) {
            record_error(c, ERR_CLOSED, "the server closed the connection before replying in full",
                         0);
            return -1;
        }
        done += chunk;
    }
    if (memcmp(c->reply, c->expected, len) != 0) {
        record_error(c, ERR_MISMATCH, "the reply differs from what was expected", 0);
        return -1;
    }
    return 0;
}

static void add_latency(struct client *c, const struct timespec *from)
{
    struct latencies *l = &c->latency;
    struct timespec to = now();
    if (l->len == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 1024;
        int64_t *grown = realloc(l->ns, cap * sizeof *grown);
        if (grown == NULL)
            die("realloc");
        l->ns = grown;
        l->cap = cap;
    }
    l->ns[l->len++] = elapsed_ns(from, &to);
}

/* A count of operations, or until the deadline passes. */
static int more_to_do(const struct client *c)
{
    if (c->opt->seconds > 0) {
        struct timespec t = now();
        return elapsed_ns(&t, &deadline) > 0;
    }
    return c->attempted < c->opt->count;
}

/* Stevens' client: a new connection for each request. */
static void run_connections(struct client *c)
{
    while (more_to_do(c)) {
        struct timespec t0 = now();
        int fd, failed;
        c->attempted++;
        fd = open_connection(c);
        if (fd < 0)
            continue;
        failed = round_trip(c, fd);
        if (close(fd) < 0 && !failed) {
            record_io_error(c, "close");
            failed = 1;
        }
        if (!failed) {
            c->ok++;
            add_latency(c, &t0);
        }
    }
}

/* One connection kept open, a round trip after another; a new connection
   only after a failure. The floor uses its socketpair instead. */
static void run_round_trips(struct client *c)
{
    int fd = c->opt->floor ? c->pair[0] : -1;
    while (more_to_do(c)) {
        struct timespec t0;
        c->attempted++;
        if (fd < 0 && (fd = open_connection(c)) < 0)
            continue;
        t0 = now();
        if (round_trip(c, fd) == 0) {
            c->ok++;
            add_latency(c, &t0);
        } else if (!c->opt->floor) {
            close(fd); /* already failed: its close() has nothing to add */
            fd = -1;
        }
    }
    if (fd >= 0 && close(fd) < 0)
        warn_errno("close");
}

static void *client_main(void *arg)
{
    struct client *c = arg;
    check_pthread(pthread_mutex_lock(&gate_lock), "pthread_mutex_lock");
    while (!started)
        check_pthread(pthread_cond_wait(&gate_open, &gate_lock), "pthread_cond_wait");
    check_pthread(pthread_mutex_unlock(&gate_lock), "pthread_mutex_unlock");
    if (c->opt->persistent)
        run_round_trips(c);
    else
        run_connections(c);
    return NULL;
}

/* The floor's other end: echo until the client closes its end. */
static void *echo_partner(void *arg)
{
    struct client *c = arg;
    char buf[CHUNK_SIZE];
    ssize_t n;
    while ((n = read_some(c->pair[1], buf, sizeof buf)) > 0)
        if (write_all(c->pair[1], buf, (size_t)n) < 0)
            break;
    if (n < 0)
        warn_errno("floor echo: read");
    if (close(c->pair[1]) < 0)
        warn_errno("floor echo: close");
    return NULL;
}

/* Text in lines (an echo server that works line by line sees whole lines),
   and what should come back: the same, or in upper case with -u. */
static void fill_request(struct client *c)
{
    static const char words[] = "the quick brown fox jumps over the lazy dog ";
    size_t len = (size_t)c->opt->bytes, i;
    c->request = malloc(len);
    c->expected = malloc(len);
    c->reply = malloc(len);
    if (c->request == NULL || c->expected == NULL || c->reply == NULL)
        die("malloc");
    for (i = 0; i < len; i++) {
        char ch = (i + 1) % LINE_LENGTH == 0 || i + 1 == len ? '\n' : words[i % (sizeof words - 1)];
        c->request[i] = ch;
        c->expected[i] = c->opt->upper && ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
    }
}

static void start_client(struct client *c)
{
    int rc;
    fill_request(c);
    if (c->opt->floor) {
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, c->pair) < 0)
            die("socketpair");
        if ((rc = pthread_create(&c->echo_thread, NULL, echo_partner, c)) != 0)
            die_errnum(rc, "pthread_create");
    }
    if ((rc = pthread_create(&c->thread, NULL, client_main, c)) != 0)
        die_errnum(rc, "pthread_create");
}

static void join_client(struct client *c)
{
    int rc;
    if ((rc = pthread_join(c->thread, NULL)) != 0)
        die_errnum(rc, "pthread_join");
    if (c->opt->floor && (rc = pthread_join(c->echo_thread, NULL)) != 0)
        die_errnum(rc, "pthread_join");
    free(c->request);
    free(c->expected);
    free(c->reply);
}

/*
 * Open the idle connections and send one newline on each; count those the
 * server answers within IDLE_CHECK_MS (a server that cannot serve them all
 * at once answers fewer). They then stay silent until the end.
 */
static long hold_idle(const struct options *opt, const struct addrinfo *server, int *fds)
{
    struct pollfd *waiting = calloc((size_t)opt->idle, sizeof *waiting);
    struct timespec start = now();
    long i, served = 0, pending = 0;
    char byte;
    if (waiting == NULL)
        die("calloc");
    for (i = 0; i < opt->idle; i++) {
        fds[i] = connect_to_server(server, opt->timeout_ms);
        if (fds[i] < 0)
            die("idle connection %ld: connect to %s port %s", i + 1, opt->host, opt->port);
        if (write_all(fds[i], "\n", 1) < 0)
            die("idle connection %ld: send", i + 1);
        waiting[i].fd = fds[i];
        waiting[i].events = POLLIN;
        pending++;
    }
    while (pending > 0) {
        struct timespec t = now();
        long left_ms = IDLE_CHECK_MS - elapsed_ns(&start, &t) / 1000000;
        int ready = left_ms > 0 ? poll(waiting, (nfds_t)opt->idle, (int)left_ms) : 0;
        if (ready < 0 && errno != EINTR)
            die("poll");
        if (ready == 0)
            break;
        for (i = 0; i < opt->idle && ready > 0; i++) {
            if (waiting[i].fd < 0 || waiting[i].revents == 0)
                continue;
            ready--;
            pending--;
            if (read_some(waiting[i].fd, &byte, 1) == 1 && byte == '\n')
                served++;
            waiting[i].fd = -1; /* poll() skips negative descriptors */
        }
    }
    free(waiting);
    return served;
}

static int compare_ns(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The nearest-rank percentile of sorted values, in microseconds. */
static double percentile_us(const int64_t *sorted, size_t n, double p)
{
    size_t rank;
    if (n == 0)
        return 0;
    rank = (size_t)(p * (double)n);
    if ((double)rank < p * (double)n)
        rank++; /* ceil, without libm */
    return (double)sorted[rank > 0 ? rank - 1 : 0] / 1000.0;
}

/* Add up the clients and print the one result line. Returns the errors. */
static long report(const struct options *opt, struct client *clients, double seconds,
                   long idle_served)
{
    long i, k, attempted = 0, ok = 0, connections = 0, errors = 0, kinds[ERR_KINDS] = {0};
    long long bytes_out = 0, bytes_in = 0;
    size_t n = 0, at = 0;
    int64_t *all;
    for (i = 0; i < opt->clients; i++)
        n += clients[i].latency.len;
    if ((all = malloc((n ? n : 1) * sizeof *all)) == NULL)
        die("malloc");
    for (i = 0; i < opt->clients; i++) {
        struct client *c = &clients[i];
        attempted += c->attempted;
        ok += c->ok;
        connections += c->connections;
        bytes_out += c->bytes_out;
        bytes_in += c->bytes_in;
        for (k = 0; k < ERR_KINDS; k++)
            kinds[k] += c->errors[k];
        if (c->latency.len > 0) /* ns may be NULL then, and memcpy wants a pointer */
            memcpy(all + at, c->latency.ns, c->latency.len * sizeof *all);
        at += c->latency.len;
        free(c->latency.ns);
    }
    qsort(all, n, sizeof *all, compare_ns);
    for (k = 0; k < ERR_KINDS; k++)
        errors += kinds[k];
    printf("mode=%s target=%s clients=%ld bytes=%ld seconds=%.6f connections=%ld attempted=%ld "
           "ok=%ld errors=%ld ops_per_s=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f bytes_out=%lld "
           "bytes_in=%lld idle=%ld idle_served=%ld",
           opt->persistent ? "round-trips" : "connections", opt->floor ? "socketpair" : "server",
           opt->clients, opt->bytes, seconds, connections, attempted, ok, errors,
           seconds > 0 ? (double)ok / seconds : 0.0, percentile_us(all, n, 0.50),
           percentile_us(all, n, 0.99), n ? (double)all[n - 1] / 1000.0 : 0.0, bytes_out, bytes_in,
           opt->idle, idle_served);
    for (k = 0; k < ERR_KINDS; k++)
        printf(" err_%s=%ld", error_names[k], kinds[k]);
    printf("\n");
    free(all);
    return errors;
}

static struct addrinfo *resolve(const struct options *opt)
{
    struct addrinfo hints, *list = NULL;
    int rc;
    if (opt->floor)
        return NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    rc = getaddrinfo(opt->host, opt->port, &hints, &list);
    if (rc != 0)
        die_msg("%s port %s: %s", opt->host, opt->port, gai_strerror(rc));
    return list;
}

int main(int argc, char *argv[])
{
    struct options opt;
    struct addrinfo *server;
    struct client *clients;
    int *idle_fds;
    long i, idle_served = 0, errors;
    struct timespec end;

    set_program_name(argv[0]);
    opt = parse_options(argc, argv);
    /* A server that goes away must give this client EPIPE, an error to
       count, not SIGPIPE, which would kill it. */
    signal(SIGPIPE, SIG_IGN);
    server = resolve(&opt);
    clients = calloc((size_t)opt.clients, sizeof *clients);
    idle_fds = calloc((size_t)opt.idle + 1, sizeof *idle_fds);
    if (clients == NULL || idle_fds == NULL)
        die("calloc");
    if (opt.idle > 0)
        idle_served = hold_idle(&opt, server, idle_fds);

    for (i = 0; i < opt.clients; i++) {
        clients[i].id = i + 1;
        clients[i].opt = &opt;
        clients[i].server = server;
        start_client(&clients[i]);
    }
    check_pthread(pthread_mutex_lock(&gate_lock), "pthread_mutex_lock");
    start_time = now();
    deadline = start_time;
    deadline.tv_sec += (time_t)opt.seconds;
    deadline.tv_nsec += (long)((opt.seconds - (double)(time_t)opt.seconds) * 1e9);
    if (deadline.tv_nsec >= NS_PER_S) {
        deadline.tv_sec++;
        deadline.tv_nsec -= NS_PER_S;
    }
    started = 1;
    check_pthread(pthread_cond_broadcast(&gate_open), "pthread_cond_broadcast");
    check_pthread(pthread_mutex_unlock(&gate_lock), "pthread_mutex_unlock");
    for (i = 0; i < opt.clients; i++)
        join_client(&clients[i]);
    end = now();

    errors = report(&opt, clients, (double)elapsed_ns(&start_time, &end) / 1e9, idle_served);
    for (i = 0; i < opt.idle; i++)
        if (close(idle_fds[i]) < 0)
            warn_errno("close idle connection");
    free(idle_fds);
    free(clients);
    if (server != NULL)
        freeaddrinfo(server);
    return errors > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
