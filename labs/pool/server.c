/*
 * pool/server.c - a pool of workers made in advance: preforked processes or
 * prethreaded workers, serving an upper-case echo.
 *
 * -m process: the parent listens, then forks N workers that each loop on
 * accept() over the one listening socket they all inherited; the kernel gives
 * every new connection to exactly one of them. The parent only supervises: it
 * replaces a worker that dies and, on SIGINT or SIGTERM, stops them all.
 * -m thread: N worker threads wait on a condition variable; the main thread
 * accepts and hands each connection to a worker through a mailbox, a ring
 * of N slots, and waits while all N slots are full.
 * Either way at most N clients are served at once; the next one waits (in
 * the kernel's accept queue, or in the thread pool's ring) until a worker
 * is free. Notes 004 "Pool based services" (both examples) and 000 (threads
 * and processes sharing accept()).
 *
 * The notes strip the line and send it back without its newline; here every
 * byte comes back, a-z made A-Z, so replies keep the length of requests.
 *
 * Try it:  ./server -n 2            then three ./client in other terminals:
 *                                   the third waits until one of the two leaves
 *          ./server -m thread -n 2  the same with threads
 *          pgrep -P <server pid>    the workers of the process pool
 *
 * A client silent for longer than the idle timeout (-t, 60 s by default, as
 * Apache's Timeout) is closed by its worker: three silent clients would
 * otherwise hold a pool of three for ever, and nobody else be served.
 *
 * Usage:   server [-m process|thread] [-n N] [-t SECONDS] [-b ADDR] [-q] [PORT]
 *          (default: process mode, 3 workers, a 60 s idle timeout (0: none),
 *          127.0.0.1 port 20446)
 */
#include "labs.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_ADDR "127.0.0.1"
#define DEFAULT_PORT "20446"
#define DEFAULT_WORKERS 3
#define MAX_WORKERS 1000
#define DEFAULT_IDLE_TIMEOUT 60 /* seconds; 0: none */
#define MAX_IDLE_TIMEOUT 86400  /* a day, in milliseconds still an int */
#define ECHO_BUFFER_SIZE 16384
#define PEER_TEXT_SIZE (INET6_ADDRSTRLEN + 16) /* "ADDR port NNNNN" */
#define WHO_SIZE 32                            /* "worker pid 4194304" */

static const char usage[] = "[-m process|thread] [-n N] [-t SECONDS] [-b ADDR] [-q] [PORT]";

enum pool_mode { PROCESS_POOL, THREAD_POOL };

struct options {
    enum pool_mode mode;
    long workers;     /* N: the size of the pool */
    long idle_limit;  /* -t: seconds a client may stay silent, 0 for ever */
    const char *addr; /* numeric address to bind */
    const char *port; /* decimal port, "0" lets the kernel choose */
    int quiet;        /* -q: no per-connection log lines */
};

/* The process pool, as its supervisor sees it. */
struct process_pool {
    int listener;
    int quiet;
    long size;
    pid_t *pids;          /* one per worker slot; 0 if the slot is empty */
    sigset_t worker_mask; /* the signal mask a new worker starts with */
    int alive[2];         /* the pipe of supervisor_gone(): not the lesson */
};

/* A connection on its way from the main thread to a worker. */
struct delivery {
    int conn;
    char peer[PEER_TEXT_SIZE];
};

/*
 * The mailbox between the main thread and the workers: a ring of N slots
 * (one per worker) for connections waiting to be served, guarded by one
 * mutex. work_ready: the ring holds a connection (idle workers wait on
 * it). worker_free: a worker became idle or took a connection out of the
 * ring (the main thread waits on it while the ring is full). Every wait
 * sits in a loop that re-checks its condition: wake-ups may be spurious,
 * and another worker may be faster.
 */
struct handoff {
    pthread_mutex_t lock;
    pthread_cond_t work_ready;
    pthread_cond_t worker_free;
    long idle;              /* workers waiting for a connection */
    struct delivery *slots; /* the ring, one slot per worker */
    long size;              /* N */
    long first;             /* the slot a worker empties next */
    long count;             /* connections in the ring, oldest at first */
};

struct worker {
    long index; /* 1..N, for the log */
    int quiet;
    struct handoff *handoff;
};

/*
 * The idle timeout (-t), in seconds, 0 for none. Set once in main() before
 * any worker exists, and only read after that: every worker, process or
 * thread, serves with the same limit.
 */
static long idle_limit;

static volatile sig_atomic_t stop_requested; /* SIGINT or SIGTERM came */
static volatile sig_atomic_t worker_died;    /* SIGCHLD came */

/* The lesson, first below: main() and these. */
/* The thread pool: the main thread accepts, a mailbox hands over. */
static int take_connection(struct handoff *h, char *peer);
static void hand_to_worker(struct handoff *h, int conn, const char *peer, int quiet);
static void *worker_thread(void *arg);
/* The process pool: the workers share accept(). */
static void worker_loop(int listener, int alive_read, int quiet) ERR_NORETURN;
static int take_connection_if_any(int listener, const char *who, char *peer);
/* Setting each pool up; the process pool's supervisor. */
static void run_thread_pool(const struct options *opt) ERR_NORETURN;
static void start_worker_threads(struct handoff *h, const struct options *opt);
static void run_process_pool(int listener, const struct options *opt, const sigset_t *worker_mask);
static pid_t start_worker(int listener, const int alive[2], const sigset_t *worker_mask, int quiet);
static long fill_slots(struct process_pool *pool, pid_t replaced);
static void supervise(struct process_pool *pool, const sigset_t *sleep_mask);
static void note_signal(int signo);
static void replace_dead_workers(struct process_pool *pool);
static void install_signal_handlers(enum pool_mode mode, sigset_t *worker_mask);

/* Not the lesson: the service, tcp-echo's echo in upper case, further down. */
static void serve_client(int conn, const char *who, const char *peer, int quiet);
static void upper_echo_until_eof(int conn, const char *who, const char *peer, int quiet);
static void upper_case(char *buf, size_t len);

/* Not the lesson: the idle timeout, further down. */
static void set_idle_limit(int conn, const char *who);

/* Not the lesson: surviving a killed supervisor, further down. */
static int supervisor_gone(int alive_read);

/* Not the lesson: stopping the workers, and how a worker ended, further down. */
static void stop_workers(struct process_pool *pool);
static void describe_status(int status, char *out, size_t outlen);

/* Not the lesson: pthread's error numbers, further down. */
static void check_pthread(int rc, const char *what);

/* Not the lesson: non-blocking descriptors (as in select), further down. */
static int set_nonblocking(int fd);
static int would_block(int errnum);

/* Not the lesson: the command line, further down. */
static struct options parse_options(int argc, char *argv[]);
static long parse_number(const char *text, long min, long max);

/* Same in every lab, further down. */
static void exit_on_signal(int signo);
static void peer_text(const struct sockaddr *sa, socklen_t len, char *out, size_t outlen);
static int listen_on(const char *addr, const char *port);

int main(int argc, char *argv[])
{
    struct options opt;
    sigset_t worker_mask;
    int listener;

    set_program_name(argv[0]);
    /* Each log line out as it happens, in one write(), so that lines of
       workers writing at the same time never mix (labs.h writes each error
       message with one write already). */
    setvbuf(stdout, NULL, _IOLBF, 0);
    opt = parse_options(argc, argv);
    idle_limit = opt.idle_limit;
    install_signal_handlers(opt.mode, &worker_mask);
    if (opt.mode == THREAD_POOL)
        run_thread_pool(&opt); /* never returns */
    /* The process pool listens first: the workers inherit the socket. */
    listener = listen_on(opt.addr, opt.port);
    run_process_pool(listener, &opt, &worker_mask);
    return EXIT_SUCCESS;
}

/* Worker side: say we are idle, sleep until the ring holds a connection,
   take the oldest. */
static int take_connection(struct handoff *h, char *peer)
{
    const struct delivery *d;
    int conn;
    check_pthread(pthread_mutex_lock(&h->lock), "pthread_mutex_lock");
    h->idle++;
    /* start_worker_threads() waits until every worker is idle. */
    check_pthread(pthread_cond_signal(&h->worker_free), "pthread_cond_signal");
    while (h->count == 0)
        check_pthread(pthread_cond_wait(&h->work_ready, &h->lock), "pthread_cond_wait");
    d = &h->slots[h->first];
    conn = d->conn;
    memcpy(peer, d->peer, PEER_TEXT_SIZE);
    h->first = (h->first + 1) % h->size;
    h->count--;
    h->idle--;
    /* A slot is free: the main thread may be waiting to fill it. */
    check_pthread(pthread_cond_signal(&h->worker_free), "pthread_cond_signal");
    check_pthread(pthread_mutex_unlock(&h->lock), "pthread_mutex_unlock");
    return conn;
}

/*
 * Main-thread side: put the connection in the ring and wake a worker. If
 * every idle worker has a connection waiting already, this one waits in the
 * ring until a busy worker is done; if the ring is full, the main thread
 * waits too, and new clients wait in the kernel's accept queue. Never
 * drops a connection.
 */
static void hand_to_worker(struct handoff *h, int conn, const char *peer, int quiet)
{
    struct delivery *d;
    check_pthread(pthread_mutex_lock(&h->lock), "pthread_mutex_lock");
    if (h->idle <= h->count && !quiet)
        printf("no free worker: %s waits\n", peer);
    while (h->count == h->size)
        check_pthread(pthread_cond_wait(&h->worker_free, &h->lock), "pthread_cond_wait");
    d = &h->slots[(h->first + h->count) % h->size];
    d->conn = conn;
    memcpy(d->peer, peer, PEER_TEXT_SIZE);
    h->count++;
    check_pthread(pthread_mutex_unlock(&h->lock), "pthread_mutex_unlock");
    /* Signalled after unlocking, so that the worker it wakes does not at
       once wait again, for the mutex this thread still holds. Safe: the
       worker re-checks count under the mutex, whoever runs first. */
    check_pthread(pthread_cond_signal(&h->work_ready), "pthread_cond_signal");
}

static void *worker_thread(void *arg)
{
    const struct worker *self = arg;
    char who[WHO_SIZE], peer[PEER_TEXT_SIZE];
    snprintf(who, sizeof who, "worker %ld", self->index);
    for (;;) {
        int conn = take_connection(self->handoff, peer);
        serve_client(conn, who, peer, self->quiet);
    }
    return NULL;
}

/* A worker's life: take the next connection, serve it, again. Several
   processes wait on the same listening socket: the kernel hands each
   connection to exactly one of them. Each also watches the pipe that tells
   it the supervisor is gone (not the lesson, see supervisor_gone()). */
static void worker_loop(int listener, int alive_read, int quiet)
{
    char who[WHO_SIZE];
    snprintf(who, sizeof who, "worker pid %ld", (long)getpid());
    for (;;) {
        struct pollfd watch[2] = {{listener, POLLIN, 0}, {alive_read, POLLIN, 0}};
        char peer[PEER_TEXT_SIZE];
        int conn;
        if (poll(watch, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            die("%s: poll", who);
        }
        if (watch[1].revents != 0 && supervisor_gone(alive_read)) { /* not the lesson */
            printf("%s: the server is gone, leaving\n", who);
            fflush(stdout);
            _exit(EXIT_SUCCESS);
        }
        if (watch[0].revents == 0)
            continue;
        conn = take_connection_if_any(listener, who, peer);
        if (conn >= 0)
            serve_client(conn, who, peer, quiet); /* a busy worker leaves after */
    }
}

/* Accept one connection if it is still there. The listening socket is
   non-blocking (see run_process_pool()): every idle worker's poll() wakes
   for a new connection and only one accept() gets it; for the others it
   fails with EAGAIN (or EWOULDBLOCK), which is no error. Returns -1 then. */
static int take_connection_if_any(int listener, const char *who, char *peer)
{
    struct sockaddr_storage from;
    socklen_t fromlen = sizeof from;
    int flags, conn = accept(listener, (struct sockaddr *)&from, &fromlen);
    if (conn < 0) {
        /* Another worker took it, or the client gave up before we did
           (ECONNABORTED): not our problem, keep going. */
        if (!would_block(errno) && errno != ECONNABORTED)
            warn_errno("%s: accept", who);
        return -1;
    }
    /* Not the lesson: on macOS and the BSDs an accepted socket inherits
       O_NONBLOCK from the listener (on Linux it does not): serve it
       blocking, as before. */
    flags = fcntl(conn, F_GETFL);
    if (flags < 0 || fcntl(conn, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        warn_errno("%s: fcntl", who);
        close(conn);
        return -1;
    }
    peer_text((struct sockaddr *)&from, fromlen, peer, PEER_TEXT_SIZE);
    return conn;
}

/* The main thread accepts; a worker serves. */
static void run_thread_pool(const struct options *opt)
{
    static struct handoff handoff = {.lock = PTHREAD_MUTEX_INITIALIZER,
                                     .work_ready = PTHREAD_COND_INITIALIZER,
                                     .worker_free = PTHREAD_COND_INITIALIZER};
    int listener;
    handoff.size = opt->workers;
    handoff.slots = calloc((size_t)opt->workers, sizeof *handoff.slots);
    if (handoff.slots == NULL)
        die("calloc");
    start_worker_threads(&handoff, opt);
    listener = listen_on(opt->addr, opt->port);
    for (;;) {
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof from;
        char peer[PEER_TEXT_SIZE];
        int conn = accept(listener, (struct sockaddr *)&from, &fromlen);
        if (conn < 0) {
            warn_errno("accept");
            continue;
        }
        peer_text((struct sockaddr *)&from, fromlen, peer, sizeof peer);
        hand_to_worker(&handoff, conn, peer, opt->quiet);
    }
}

/* Start the worker threads and wait until every one of them is idle, so
   the pool is complete before the first client can come. */
static void start_worker_threads(struct handoff *h, const struct options *opt)
{
    struct worker *workers = calloc((size_t)opt->workers, sizeof *workers);
    long i;
    if (workers == NULL)
        die("calloc");
    for (i = 0; i < opt->workers; i++) {
        pthread_t thread;
        workers[i] = (struct worker){i + 1, opt->quiet, h};
        check_pthread(pthread_create(&thread, NULL, worker_thread, &workers[i]), "pthread_create");
        check_pthread(pthread_detach(thread), "pthread_detach");
    }
    check_pthread(pthread_mutex_lock(&h->lock), "pthread_mutex_lock");
    while (h->idle < opt->workers)
        check_pthread(pthread_cond_wait(&h->worker_free, &h->lock), "pthread_cond_wait");
    check_pthread(pthread_mutex_unlock(&h->lock), "pthread_mutex_unlock");
    /* workers stays allocated: the threads use it until the process ends. */
}

static void run_process_pool(int listener, const struct options *opt, const sigset_t *worker_mask)
{
    struct process_pool pool = {listener, opt->quiet, opt->workers, NULL, *worker_mask, {-1, -1}};
    pool.pids = calloc((size_t)opt->workers, sizeof *pool.pids);
    if (pool.pids == NULL)
        die("calloc");
    /* Not the lesson: the pipe that outlives no supervisor, and the
       non-blocking listener that lets a worker watch it (see
       supervisor_gone() and take_connection_if_any()). */
    if (pipe(pool.alive) < 0)
        die("pipe");
    if (set_nonblocking(listener) < 0)
        die("fcntl O_NONBLOCK");
    if (fill_slots(&pool, 0) == opt->workers)
        die_msg("no worker could be started");
    supervise(&pool, worker_mask);
    stop_workers(&pool);
    free(pool.pids);
    if (close(pool.alive[0]) < 0 || close(pool.alive[1]) < 0 || close(listener) < 0)
        die("close");
}

/* Fork one worker. In the child: undo the parent's signal set-up, then
   serve for ever. Returns the worker's pid, or -1 if fork failed. */
static pid_t start_worker(int listener, const int alive[2], const sigset_t *worker_mask, int quiet)
{
    pid_t pid;
    fflush(stdout); /* or the child would print the parent's pending lines too */
    pid = fork();
    if (pid != 0)
        return pid;
    exit_after_fork();
    /* Only the supervisor may hold the write end (see supervisor_gone()). */
    if (close(alive[1]) < 0)
        die("close in worker");
    /* SIGTERM from the parent should simply end a worker. Ctrl-C reaches the
       whole process group, but stopping workers is the parent's job. */
    if (signal(SIGTERM, SIG_DFL) == SIG_ERR || signal(SIGCHLD, SIG_DFL) == SIG_ERR ||
        signal(SIGINT, SIG_IGN) == SIG_ERR)
        die("signal in worker");
    if (sigprocmask(SIG_SETMASK, worker_mask, NULL) < 0)
        die("sigprocmask in worker");
    worker_loop(listener, alive[0], quiet);
}

/* Fill every empty slot. Returns how many slots are still empty. */
static long fill_slots(struct process_pool *pool, pid_t replaced)
{
    long i, empty = 0;
    for (i = 0; i < pool->size; i++) {
        if (pool->pids[i] != 0)
            continue;
        pool->pids[i] = start_worker(pool->listener, pool->alive, &pool->worker_mask, pool->quiet);
        if (pool->pids[i] < 0) {
            warn_errno("fork a worker");
            pool->pids[i] = 0;
            empty++;
        } else if (replaced != 0) {
            printf("worker pid %ld replaces worker pid %ld\n", (long)pool->pids[i], (long)replaced);
        } else {
            printf("worker pid %ld started\n", (long)pool->pids[i]);
        }
    }
    return empty;
}

/*
 * The parent's loop. SIGCHLD, SIGINT and SIGTERM stay blocked except inside
 * sigsuspend(), which unblocks them and sleeps in one atomic step. A signal
 * that arrives while the loop is busy stays pending and ends the next
 * sigsuspend() at once, so none is lost. (Testing a flag, then calling
 * pause(), would sleep through a signal landing between the two.)
 */
static void supervise(struct process_pool *pool, const sigset_t *sleep_mask)
{
    for (;;) {
        while (!stop_requested && !worker_died)
            sigsuspend(sleep_mask); /* always returns -1 with EINTR */
        if (stop_requested)
            return;
        worker_died = 0;
        replace_dead_workers(pool);
    }
}

/* Only sets a flag: the supervising loop does the work (see supervise()). */
static void note_signal(int signo)
{
    if (signo == SIGCHLD)
        worker_died = 1;
    else
        stop_requested = 1;
}

/* Reap every worker that ended (signals do not queue: one SIGCHLD may stand
   for several), log how, and put a new worker in its slot. */
static void replace_dead_workers(struct process_pool *pool)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        char how[64];
        long i;
        describe_status(status, how, sizeof how);
        printf("worker pid %ld %s\n", (long)pid, how);
        for (i = 0; i < pool->size; i++)
            if (pool->pids[i] == pid)
                pool->pids[i] = 0;
        fill_slots(pool, pid);
    }
    if (pid < 0 && errno != ECHILD)
        warn_errno("waitpid");
}

/*
 * Set up before listening, so that a SIGTERM arriving as soon as the
 * "listening on" line is out finds the server ready for it. In process mode
 * the supervisor's signals are blocked from here on (see supervise());
 * *worker_mask receives the mask as it was, for workers and sigsuspend().
 * In thread mode exit_on_signal()'s _exit() ends the process, every thread
 * with it. (A flag would go unnoticed by a thread blocked in accept() or
 * pthread_cond_wait().)
 */
static void install_signal_handlers(enum pool_mode mode, sigset_t *worker_mask)
{
    struct sigaction sa;
    sigset_t watched;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    /* A client that vanishes would make write() raise SIGPIPE and kill the
       worker; ignored, write() fails with EPIPE for that client only. */
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) < 0)
        die("sigaction");
    /* No SA_RESTART needed: the thread pool's handler never returns, and
       the supervisor takes its signals only inside sigsuspend(). */
    sa.sa_handler = mode == PROCESS_POOL ? note_signal : exit_on_signal;
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
        die("sigaction");
    if (sigprocmask(SIG_BLOCK, NULL, worker_mask) < 0)
        die("sigprocmask");
    if (mode == THREAD_POOL)
        return;
    if (sigaction(SIGCHLD, &sa, NULL) < 0)
        die("sigaction");
    sigemptyset(&watched);
    sigaddset(&watched, SIGCHLD);
    sigaddset(&watched, SIGINT);
    sigaddset(&watched, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &watched, NULL) < 0)
        die("sigprocmask");
}

/* ------------------------------------------------------------------------
 * Not the lesson: the service, tcp-echo's echo in upper case
 */

/* One client, start to end, by the worker named who; then the worker is free. */
static void serve_client(int conn, const char *who, const char *peer, int quiet)
{
    if (!quiet)
        printf("%s: connection from %s\n", who, peer);
    set_idle_limit(conn, who);
    upper_echo_until_eof(conn, who, peer, quiet);
    if (close(conn) < 0)
        warn_errno("%s: close %s", who, peer);
    if (!quiet)
        printf("%s: %s closed\n", who, peer);
}

/*
 * Send back everything the client sends, upper-cased, until it closes, or
 * stays silent for idle_limit seconds, or reads none of our replies for as
 * long (set_idle_limit(): the read or the write then fails with EAGAIN, as
 * would_block() knows it from a non-blocking socket).
 */
static void upper_echo_until_eof(int conn, const char *who, const char *peer, int quiet)
{
    char buf[ECHO_BUFFER_SIZE];
    ssize_t n;
    while ((n = read_some(conn, buf, sizeof buf)) > 0) {
        upper_case(buf, (size_t)n);
        if (write_all(conn, buf, (size_t)n) == 0)
            continue;
        if (!would_block(errno))
            warn_errno("%s: write to %s", who, peer);
        else if (!quiet)
            printf("%s: %s read nothing for %ld s: closing\n", who, peer, idle_limit);
        return;
    }
    if (n < 0 && would_block(errno)) {
        if (!quiet)
            printf("%s: %s silent for %ld s: closing\n", who, peer, idle_limit);
    } else if (n < 0) {
        warn_errno("%s: read from %s", who, peer);
    }
}

/* The service: a-z become A-Z, every other byte stays as it is. (toupper()
   would depend on the locale; the protocol should not.) */
static void upper_case(char *buf, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++)
        if (buf[i] >= 'a' && buf[i] <= 'z')
            buf[i] = (char)(buf[i] - 'a' + 'A');
}

/* ------------------------------------------------------------------------
 * Not the lesson: the idle timeout (skip on a first reading)
 */

/*
 * Bound both waits of a worker on its client to idle_limit seconds: a
 * read() that gets nothing for that long, and a write() the client leaves
 * unread for as long, fail with EAGAIN (or EWOULDBLOCK). Without it a client
 * that connects and says nothing holds its worker for ever, and N of them
 * hold the whole pool. Two options set once a connection, where a poll()
 * before each read() would cost a system call every request.
 */
static void set_idle_limit(int conn, const char *who)
{
    struct timeval limit = {(time_t)idle_limit, 0};
    if (idle_limit == 0)
        return;
    if (setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) < 0)
        warn_errno("%s: setsockopt SO_RCVTIMEO", who);
    if (setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) < 0)
        warn_errno("%s: setsockopt SO_SNDTIMEO", who);
}

/* ------------------------------------------------------------------------
 * Not the lesson: surviving a killed supervisor (skip on a first reading)
 */

/*
 * A supervisor killed with SIGKILL cannot stop its workers, and orphaned
 * workers waiting in accept() would keep the port for ever. So before the
 * first fork the supervisor makes a pipe and keeps its write end; each
 * worker closes its copy of that end and watches the read end. Nobody ever
 * writes to the pipe: when the supervisor dies, however it dies, the kernel
 * closes its write end, and the read end reports end of file at once.
 * (Linux's prctl(PR_SET_PDEATHSIG) would do this, but only on Linux.)
 */
static int supervisor_gone(int alive_read)
{
    char byte;
    return read_some(alive_read, &byte, 1) == 0;
}

/* ------------------------------------------------------------------------
 * Not the lesson: stopping the workers, and how a worker ended
 */

/* Signal exactly our workers (not our process group: a script that started
   us may share it), then wait for each, so none is left as an orphan. */
static void stop_workers(struct process_pool *pool)
{
    long i;
    for (i = 0; i < pool->size; i++)
        if (pool->pids[i] != 0 && kill(pool->pids[i], SIGTERM) < 0)
            warn_errno("kill worker pid %ld", (long)pool->pids[i]);
    for (i = 0; i < pool->size; i++) {
        int status;
        if (pool->pids[i] == 0)
            continue;
        if (waitpid(pool->pids[i], &status, 0) < 0)
            warn_errno("waitpid worker pid %ld", (long)pool->pids[i]);
        else
            printf("worker pid %ld stopped\n", (long)pool->pids[i]);
        pool->pids[i] = 0;
    }
}

/* "exited with status 1", "killed by signal 9". */
static void describe_status(int status, char *out, size_t outlen)
{
    if (WIFEXITED(status))
        snprintf(out, outlen, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(out, outlen, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(out, outlen, "ended with wait status %d", status);
}

/* ------------------------------------------------------------------------
 * Not the lesson: pthread's error numbers
 */

/* pthread functions return an error number instead of setting errno. */
static void check_pthread(int rc, const char *what)
{
    if (rc != 0)
        die_errnum(rc, "%s", what);
}

/* ------------------------------------------------------------------------
 * Not the lesson: non-blocking descriptors (as in select)
 */

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
 * Not the lesson: the command line
 */

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

static struct options parse_options(int argc, char *argv[])
{
    struct options opt = {PROCESS_POOL, DEFAULT_WORKERS, DEFAULT_IDLE_TIMEOUT,
                          DEFAULT_ADDR, DEFAULT_PORT,    0};
    int c;
    while ((c = getopt(argc, argv, "m:n:t:b:q")) != -1) {
        switch (c) {
        case 'm':
            if (strcmp(optarg, "process") == 0)
                opt.mode = PROCESS_POOL;
            else if (strcmp(optarg, "thread") == 0)
                opt.mode = THREAD_POOL;
            else
                usage_error(usage, "bad mode '%s': process or thread", optarg);
            break;
        case 'n':
            opt.workers = parse_number(optarg, 1, MAX_WORKERS);
            if (opt.workers < 0)
                usage_error(usage, "bad pool size '%s': a number from 1 to %d", optarg,
                            MAX_WORKERS);
            break;
        case 't':
            opt.idle_limit = parse_number(optarg, 0, MAX_IDLE_TIMEOUT);
            if (opt.idle_limit < 0)
                usage_error(usage, "bad idle timeout '%s': seconds from 0 (none) to %d", optarg,
                            MAX_IDLE_TIMEOUT);
            break;
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

/* ------------------------------------------------------------------------
 * Same in every lab (read once in tcp-echo)
 */

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
