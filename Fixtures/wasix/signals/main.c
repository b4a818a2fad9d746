/* Signals: a handler registered with callback_signal runs as the raising call returns; a handler name that is not
 * exported holds signals back; SIGCHLD when a child ends; kill of a child (by its handler, and by SIGKILL); an
 * alarm that cuts a sleep short. */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include "../wasix.h"

static volatile int received = 0;

EXPORT(__wasm_signal) void on_signal(int signal) {
    received = signal;
    printf("handler: signal %d\n", signal);
    if (signal == SIGTERM) {
        printf("handler: exiting on SIGTERM\n");
        fflush(stdout);
        _exit(9);
    }
}

static void use(const char *name) { callback_signal(name, strlen(name)); }

int main(void) {
    uint32_t tid = 0;
    thread_id(&tid);
    use("__wasm_signal");
    thread_signal(tid, SIGUSR1);
    printf("after raise: received %d\n", received);

    use("__wasm_signal_blocked");
    received = 0;
    thread_signal(tid, SIGUSR1);
    printf("while blocked: received %d\n", received);
    use("__wasm_signal");
    printf("unblocked: received %d\n", received);

    fflush(stdout);
    uint32_t pid = fork_or_die();
    if (pid == 0) return 0;
    printf("joined: child exit code %u\n", join(pid));

    fflush(stdout);
    pid = fork_or_die();
    if (pid == 0) {
        for (;;) thread_sleep(1000000);
    }
    thread_sleep(20000000);
    proc_signal(pid, SIGTERM);
    printf("SIGTERM'd child exited with %u\n", join(pid));

    fflush(stdout);
    pid = fork_or_die();
    if (pid == 0) {
        for (;;) thread_sleep(1000000);
    }
    proc_signal(pid, SIGKILL);
    option_pid which = {1, pid};
    join_status status = {0};
    proc_join_new(&which, 0, &status);
    printf("SIGKILL'd child: tag %u, signal %u\n", status.tag, status.signal);

    proc_raise_interval(SIGALRM, 50000000, 0);
    uint16_t error = thread_sleep(10000000000ull);
    printf("sleep ended with errno %u, received %d\n", error, received);

    /* poll_oneoff (under nanosleep) is cut short too; wasi-libc reports its EINTR as ENOTSUP (58). */
    received = 0;
    proc_raise_interval(SIGALRM, 50000000, 0);
    struct timespec duration = {10, 0};
    int result = nanosleep(&duration, NULL);
    printf("nanosleep returned %d, errno %d, received %d\n", result, errno, received);
    return 0;
}
