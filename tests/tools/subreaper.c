/*
 * subreaper.c - run a command and reap every process orphaned under it.
 *
 *   subreaper [-v] COMMAND [ARGS...]
 *
 * When a process exits, its children are given to a new parent: normally
 * PID 1, which reaps them when they end. On the machines that run this suite
 * PID 1 does not reap, so the zombies a fork-zombie server leaves behind
 * would stay until the machine goes. Linux lets a process take PID 1's place
 * for its own descendants (prctl PR_SET_CHILD_SUBREAPER): subreaper does
 * that, runs COMMAND as its child, and reaps every process it adopts.
 *
 * It exits once COMMAND and every adopted descendant are gone, with
 * COMMAND's status (128 + N if COMMAND was killed by signal N). SIGTERM and
 * SIGINT sent to subreaper are passed on to COMMAND. With -v, each adopted
 * process it reaps is reported on stderr:
 *     subreaper: reaped adopted pid N, exit status S
 *
 * The tests run a server under it (SERVER_PID is then the subreaper's pid
 * and the server is its one child) when they want to see the zombies that
 * the server leaves behind adopted and gone; so do the fork-zombie scenes,
 * so that make demo leaves no zombie on the machine. Linux only.
 */
#include "labs.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] = "[-v] COMMAND [ARGS...]";

static volatile pid_t command_pid = -1;

/* Pass a stop request on to the command; it decides how to stop. */
static void forward_signal(int signo)
{
    int saved_errno = errno;
    if (command_pid > 0)
        kill(command_pid, signo);
    errno = saved_errno;
}

static void install_forwarding(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = forward_signal;
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
        die("sigaction");
}

/* Signals wait while the command starts, so none is lost before
   command_pid is known. */
static void start_command(char *argv[])
{
    sigset_t stops, old;
    pid_t pid;
    sigemptyset(&stops);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGINT);
    if (sigprocmask(SIG_BLOCK, &stops, &old) < 0)
        die("sigprocmask");
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        exit_after_fork();
        if (sigprocmask(SIG_SETMASK, &old, NULL) < 0) /* exec keeps the mask */
            die("sigprocmask");
        execvp(argv[0], argv);
        die("exec %s", argv[0]);
    }
    command_pid = pid;
    if (sigprocmask(SIG_SETMASK, &old, NULL) < 0)
        die("sigprocmask");
}

/* The command's status as a shell reports it. */
static int exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return EXIT_FAILURE;
}

int main(int argc, char *argv[])
{
    int verbose = 0, command_status = EXIT_FAILURE, status, c;
    pid_t pid;

    set_program_name(argv[0]);
    while ((c = getopt(argc, argv, "+v")) != -1) {
        if (c != 'v')
            usage_error(usage, "unknown option");
        verbose = 1;
    }
    if (optind == argc)
        usage_error(usage, "no command");
    if (prctl(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L) < 0)
        die("prctl PR_SET_CHILD_SUBREAPER");
    install_forwarding();
    start_command(argv + optind);

    /* wait() fails with ECHILD only when no child, own or adopted, is left. */
    while ((pid = wait(&status)) != -1 || errno == EINTR) {
        if (pid == -1)
            continue;
        if (pid == command_pid) {
            command_status = exit_code(status);
            command_pid = -1;
        } else if (verbose) {
            fprintf(stderr, "subreaper: reaped adopted pid %ld, exit status %d\n", (long)pid,
                    exit_code(status));
        }
    }
    if (errno != ECHILD)
        die("wait");
    return command_status;
}
