/*
 * measure.c - run a server, and when told to stop, say what it cost: the CPU
 * time of the server and of every process it started, and its peak memory.
 *
 *   measure [-o FILE] [-i MS] COMMAND [ARGS...]
 *
 * It runs COMMAND as its child and waits. On SIGTERM or SIGINT it sends
 * SIGTERM to COMMAND, waits for it and for any process it left behind, then
 * writes one line of NAME=VALUE pairs to FILE (default: stderr):
 *   user_ms, sys_ms  CPU time from getrusage(RUSAGE_CHILDREN): the server's,
 *                    plus that of every descendant that was waited for. The
 *                    server waits for its own children (a fork-per-connection
 *                    server reaps them); any it orphans are adopted by this
 *                    program (Linux PR_SET_CHILD_SUBREAPER) and waited for
 *                    here, so no CPU time escapes the count.
 *   peak_rss_kib     the largest sum of VmRSS over the server and all its
 *                    descendants, sampled every -i MS (default 50; longer
 *                    when sampling is slow) from /proc, and once more just
 *                    before the stop with the server's own VmHWM (its exact
 *                    peak) in place of its VmRSS. Forked processes share
 *                    most of their pages, and RSS counts a shared page once
 *                    in every process: this sum overstates what they use.
 *   peak_pss_kib     the same samples of Pss (smaps_rollup), where a page
 *                    shared by n processes counts 1/n in each: the sum is
 *                    what the server and its processes really occupy.
 *                    Linux only; both are 0 elsewhere.
 *   status           how the server ended (exit:N or signal:N); early=1 when
 *                    it ended before it was told to stop.
 *
 * A tool for tests/bench/run, not a lab: Linux /proc and prctl are fine here.
 */
#include "labs.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define DEFAULT_INTERVAL_MS 50
/* A server with a thousand threads takes milliseconds to sample: sleep at
   least this many times as long as the sample took, so that measuring never
   takes more than a few percent of a core from what it measures. */
#define SAMPLE_COST_RATIO 20
#define STOP_GRACE_MS 5000 /* then SIGKILL: a bench must not hang */
#define POLL_MS 10
#define LEFTOVER_WAIT_MS 500 /* for children the server killed to end */

static const char usage[] = "[-o FILE] [-i MS] COMMAND [ARGS...]";

static volatile sig_atomic_t stop_requested;

static void request_stop(int signo)
{
    (void)signo;
    stop_requested = 1;
}

static void sleep_ms(long long ms)
{
    struct timespec t = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL); /* a signal cutting it short is what we want */
}

/* long long: milliseconds since boot overflow a 32-bit long after 24 days. */
static long long now_ms(void)
{
    struct timespec t;
    if (clock_gettime(CLOCK_MONOTONIC, &t) < 0)
        die("clock_gettime");
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The memory of a set of processes, in KiB. */
struct memory {
    long rss; /* resident: every page the process maps, shared or not */
    long pss; /* proportional: a page shared by n processes counts 1/n */
};

/* One "Name:   N kB" line of a /proc/PID file, in KiB; 0 if it is gone. */
static long proc_kib(pid_t pid, const char *file, const char *field)
{
    char path[64], line[256];
    size_t flen = strlen(field);
    long kib = 0;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, file);
    if ((f = fopen(path, "r")) == NULL)
        return 0; /* it ended between two looks: it uses nothing now */
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, field, flen) == 0) {
            kib = strtol(line + flen, NULL, 10);
            break;
        }
    fclose(f);
    return kib;
}

static void add_process(struct memory *m, pid_t pid, const char *rss_field)
{
    m->rss += proc_kib(pid, "status", rss_field);
    m->pss += proc_kib(pid, "smaps_rollup", "Pss:");
}

/* Add the memory of pid's descendants: every thread's children file lists
   the processes that thread forked. */
static void add_descendants(struct memory *m, pid_t pid)
{
    char path[64];
    struct dirent *task;
    DIR *tasks;
    snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
    if ((tasks = opendir(path)) == NULL)
        return;
    while ((task = readdir(tasks)) != NULL) {
        char file[128];
        long child;
        FILE *f;
        if (task->d_name[0] == '.')
            continue;
        snprintf(file, sizeof file, "/proc/%ld/task/%.20s/children", (long)pid, task->d_name);
        if ((f = fopen(file, "r")) == NULL)
            continue;
        while (fscanf(f, "%ld", &child) == 1) {
            add_process(m, (pid_t)child, "VmRSS:");
            add_descendants(m, (pid_t)child);
        }
        fclose(f);
    }
    closedir(tasks);
}

/* Sample the server and its descendants; keep the largest sums seen. */
static void sample_memory(struct memory *peak, pid_t server, const char *server_rss_field)
{
    struct memory now = {0, 0};
    add_process(&now, server, server_rss_field);
    add_descendants(&now, server);
    if (now.rss > peak->rss)
        peak->rss = now.rss;
    if (now.pss > peak->pss)
        peak->pss = now.pss;
}

/* Start COMMAND in a process group of its own, so that what it leaves
   behind can be found and stopped. In the child, die() leaves with _exit(). */
static pid_t start_server(char *argv[])
{
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        exit_after_fork();
        if (setpgid(0, 0) < 0)
            die("setpgid");
        execvp(argv[0], argv);
        die("cannot run %s", argv[0]);
    }
    return pid;
}

/* Wait up to ms for pid (or, with pid -1, every child) to end. 1 if done. */
static int wait_within(pid_t pid, long ms, int *status)
{
    long waited;
    for (waited = 0; waited <= ms; waited += POLL_MS) {
        int st;
        pid_t got;
        while ((got = waitpid(-1, &st, WNOHANG)) > 0)
            if (got == pid)
                *status = st;
        if (got < 0 && errno == ECHILD)
            return 1; /* no child left at all */
        if (got < 0 && errno != EINTR)
            die("waitpid");
        if (pid > 0 && kill(pid, 0) < 0 && errno == ESRCH)
            return 1;
        sleep_ms(POLL_MS);
    }
    return 0;
}

/* Stop the server the way a user would: SIGTERM, and let it clean up. */
static void stop_server(pid_t server, int *status)
{
    if (kill(server, SIGTERM) < 0 && errno != ESRCH)
        die("kill %ld", (long)server);
    if (!wait_within(server, STOP_GRACE_MS, status)) {
        warn_msg("the server ignored SIGTERM; killing it");
        kill(server, SIGKILL);
        wait_within(server, STOP_GRACE_MS, status);
    }
}

/* Collect every process the server left behind (its group, or orphans
   adopted by us), stopping them if they do not end by themselves. */
static void collect_leftovers(pid_t server)
{
    int ignored;
    if (wait_within(-1, LEFTOVER_WAIT_MS, &ignored))
        return;
    warn_msg("the server left processes behind; stopping them");
    kill(-server, SIGTERM);
    if (!wait_within(-1, STOP_GRACE_MS, &ignored)) {
        kill(-server, SIGKILL);
        wait_within(-1, STOP_GRACE_MS, &ignored);
    }
}

static void write_result(const char *file, int status, int early, const struct memory *peak)
{
    struct rusage ru;
    FILE *out = stderr;
    if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
        die("getrusage");
    if (file != NULL && (out = fopen(file, "w")) == NULL)
        die("open %s", file);
    fprintf(
        out, "status=%s:%d early=%d user_ms=%.1f sys_ms=%.1f peak_rss_kib=%ld peak_pss_kib=%ld\n",
        WIFSIGNALED(status) ? "signal" : "exit",
        WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), early,
        (double)ru.ru_utime.tv_sec * 1e3 + (double)ru.ru_utime.tv_usec / 1e3,
        (double)ru.ru_stime.tv_sec * 1e3 + (double)ru.ru_stime.tv_usec / 1e3, peak->rss, peak->pss);
    if (file != NULL && fclose(out) == EOF)
        die("write %s", file);
}

int main(int argc, char *argv[])
{
    const char *file = NULL;
    long interval_ms = DEFAULT_INTERVAL_MS;
    long long t0, cost;
    struct memory peak = {0, 0};
    int c, status = 0, early = 0;
    struct sigaction sa;
    pid_t server, got;

    set_program_name(argv[0]);
    while ((c = getopt(argc, argv, "+o:i:")) != -1) {
        switch (c) {
        case 'o': file = optarg; break;
        case 'i':
            interval_ms = strtol(optarg, NULL, 10);
            if (interval_ms < 1 || interval_ms > 60000)
                usage_error(usage, "bad -i '%s': not a number from 1 to 60000", optarg);
            break;
        default: usage_error(usage, "unknown option or missing argument");
        }
    }
    if (optind == argc)
        usage_error(usage, "no COMMAND to run");
#ifdef PR_SET_CHILD_SUBREAPER
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        die("prctl PR_SET_CHILD_SUBREAPER");
#endif
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = request_stop;
    if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
        die("sigaction");
    server = start_server(argv + optind);

    while (!stop_requested) {
        while ((got = waitpid(-1, &status, WNOHANG)) > 0 && got != server)
            continue; /* an orphan adopted from the server */
        if (got == server) {
            early = 1;
            break;
        }
        t0 = now_ms();
        sample_memory(&peak, server, "VmRSS:");
        cost = now_ms() - t0;
        sleep_ms(cost * SAMPLE_COST_RATIO > interval_ms ? cost * SAMPLE_COST_RATIO : interval_ms);
    }
    if (!early) {
        sample_memory(&peak, server, "VmHWM:"); /* its own peak, exactly */
        stop_server(server, &status);
    }
    collect_leftovers(server);
    write_result(file, status, early, &peak);
    return EXIT_SUCCESS;
}
