/* setjmp/longjmp on stack_checkpoint/stack_restore: ping-pong between two functions, jumping many times to
 * one buffer, from deep recursion, and across fork (the child inherits the parent's checkpoints). */
#include <stdio.h>
#include <stdlib.h>
#include "../wasix.h"

static stack_snapshot main_point, a_point, b_point, deep_point, fork_point;
static int step = 0;

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

static int recurse(int depth) {
    if (depth == 0) LONGJMP(deep_point, 7);
    return recurse(depth - 1) + 1;
}

int main(void) {
    int r = SETJMP(main_point);
    if (r == 0) routine_a();
    printf("main: back with %d\n", r);

    volatile int rounds = 0;
    r = SETJMP(deep_point);
    if (rounds < 3) {
        rounds++;
        recurse(1000);
    }
    printf("deep: returned %d after %d rounds\n", r, rounds);

    step = 0;
    r = SETJMP(fork_point);
    if (r == 0) {
        fflush(stdout);
        uint32_t pid = fork_or_die();
        if (pid == 0) LONGJMP(fork_point, 2);
        printf("parent: child exited with %u\n", join(pid));
        LONGJMP(fork_point, 1);
    }
    uint32_t self = 0;
    proc_id(&self);
    printf("pid %u: longjmp after fork returned %d\n", self, r);
    return r == 2 ? 5 : 0;
}
