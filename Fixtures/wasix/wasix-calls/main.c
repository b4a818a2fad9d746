/* WASIX calls that POSIX has no equivalent of, so that no native build can be the oracle (the expected output is
 * written by hand, from ../shared/docs/wasix.md): process ids as WASIX numbers them (the first process is 1, its
 * parent 0); the 2022 proc_join, which writes a POSIX wait status, and the current one's join status (tags, the
 * signal of a child that trapped or was killed, the non-blocking flag); callback_signal naming an export that does
 * not exist, which holds signals back; longjmp into a function that has already returned (example-longjmp's
 * ping-pong, which is undefined behaviour in C). */
#include <stdio.h>
#include <stdlib.h>
#include "../wasix.h"

static volatile int received = 0;
static stack_snapshot main_point, a_point, b_point;

EXPORT(__wasm_signal) void on_signal(int signal) { received = signal; }

static void use(const char *name) { callback_signal(name, strlen(name)); }

static void routine_b(void) {
    int r = SETJMP(b_point);
    printf("B: setjmp returned %d\n", r);
    if (r == 0) LONGJMP(a_point, 10001);
    if (r < 20003) LONGJMP(a_point, r + 1);
    LONGJMP(main_point, 99);
}

static void routine_a(void) {
    int r = SETJMP(a_point);
    printf("A: setjmp returned %d\n", r);
    if (r == 0) routine_b();
    if (r < 10003) LONGJMP(b_point, r + 10001);
    LONGJMP(b_point, 20003);
}

int main(void) {
    uint32_t self = 0, parent = 0;
    proc_id(&self);
    proc_parent(self, &parent);
    printf("root pid %u, parent %u\n", self, parent);
    fflush(stdout);
    uint32_t pid = fork_or_die();
    if (pid == 0) {
        proc_id(&self);
        proc_parent(self, &parent);
        printf("child: pid %u, parent %u\n", self, parent);
        exit(7);
    }
    printf("2022 join: child %u, wait status %u\n", pid, join(pid));

    fflush(stdout);
    pid = fork_or_die();
    if (pid == 0) exit(42);
    option_pid which = {1, pid};
    join_status status = {0};
    uint16_t error = proc_join_new(&which, 0, &status);
    printf("current join: errno %u, pid %s, tag %u, code %u\n", error, which.pid == pid ? "ok" : "wrong", status.tag,
           status.code);
    which.tag = 0;
    printf("non-blocking join with no children: errno %u\n", proc_join_new(&which, 1, &status));

    fflush(stdout);
    pid = fork_or_die();
    if (pid == 0) __builtin_trap();
    which = (option_pid){1, pid};
    proc_join_new(&which, 0, &status);
    printf("a child that trapped: tag %u, signal %u\n", status.tag, status.signal);
    fflush(stdout);
    if (fork_or_die() == 0) __builtin_trap();
    printf("the same through the 2022 join: wait status %u\n", join(-1));
    fflush(stdout);
    pid = fork_or_die();
    if (pid == 0) {
        for (;;) thread_sleep(1000000);
    }
    proc_signal(pid, SIGKILL);
    which = (option_pid){1, pid};
    proc_join_new(&which, 0, &status);
    printf("a child killed by SIGKILL: tag %u, signal %u\n", status.tag, status.signal);

    uint32_t tid = 0;
    thread_id(&tid);
    use("__wasm_signal_blocked");
    thread_signal(tid, SIGUSR1);
    printf("handler name not exported: received %d\n", received);
    use("__wasm_signal");
    printf("handler named again: received %d\n", received);

    int r = SETJMP(main_point);
    if (r == 0) routine_a();
    printf("main: back with %d\n", r);
    return 0;
}
