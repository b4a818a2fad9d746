/* Children that crash: abort() ends one by SIGABRT, an integer division by zero one by SIGFPE (a wasm trap);
 * the error goes to stderr and the parent goes on. */
#include "../posix.h"
#include "../fixture.h"

static volatile int zero = 0;

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) abort();
    printf("abort: %s\n", wait_text(pid));
    fflush(stdout);
    pid = fork();
    if (pid == 0) exit(10 / zero > 0 ? 1 : 2);
    printf("division by zero: %s\n", wait_text(pid));
    printf("the parent goes on\n");
    return 0;
}
