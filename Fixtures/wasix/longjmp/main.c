/* setjmp/longjmp: the values setjmp returns (longjmp with 0 gives 1), many jumps to one buffer, a jump out of deep
 * recursion and out of a nested setjmp, volatile locals keeping their latest value, a jump out of a signal
 * handler (the signal stays blocked, as with glibc's longjmp), a buffer copied away, set again and copied back
 * (bash's save_top_level), and jumps after fork in both processes. */
#include "../posix.h"
#include "../fixture.h"

static jmp_buf outer, inner, deep, from_handler, around_fork, top, saved;

static int recurse(int depth) {
    if (depth == 0) longjmp(deep, 7);
    return recurse(depth - 1) + 1;
}

static void nested(void) {
    int r = setjmp(inner);
    printf("nested: inner setjmp returned %d\n", r);
    if (r == 0) longjmp(inner, 0);
    longjmp(outer, r + 10);
}

static void on_usr1(int signal) { longjmp(from_handler, signal); }

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);

    volatile int rounds = 0;
    int r = setjmp(outer);
    printf("outer setjmp returned %d after %d rounds\n", r, rounds);
    if (rounds++ == 0) nested();
    if (rounds < 5) longjmp(outer, 100 + rounds);

    rounds = 0;
    r = setjmp(deep);
    if (rounds < 3) {
        rounds++;
        recurse(1000);
    }
    printf("deep: returned %d after %d rounds\n", r, rounds);

    struct sigaction action = {.sa_handler = on_usr1};
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR1, &action, NULL);
    r = setjmp(from_handler);
    if (r == 0) {
        raise(SIGUSR1);
        printf("not reached\n");
    }
    sigset_t blocked;
    sigprocmask(SIG_BLOCK, NULL, &blocked);
    printf("out of the handler with %d, SIGUSR1 still blocked: %s\n", r, sigismember(&blocked, SIGUSR1) ? "yes" : "no");
    sigprocmask(SIG_UNBLOCK, &blocked, NULL);

    /* The copy names the first setjmp, though the buffer was set again in between. */
    volatile int copies = 0;
    r = setjmp(top);
    if (r == 0) {
        memcpy(saved, top, sizeof(jmp_buf));
        if (setjmp(top) == 0) {
            copies++;
            memcpy(top, saved, sizeof(jmp_buf));
            longjmp(top, 9);
        }
        printf("not reached: the second setjmp returned again\n");
    }
    printf("copied back: setjmp returned %d after %d copy\n", r, copies);

    pid_t root = getpid();
    r = setjmp(around_fork);
    if (r == 0) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) longjmp(around_fork, 2);
        printf("parent: child %s\n", wait_text(pid));
        longjmp(around_fork, 1);
    }
    printf("%s: longjmp after fork returned %d\n", getpid() == root ? "parent" : "child", r);
    return r == 2 ? 5 : 0;
}
