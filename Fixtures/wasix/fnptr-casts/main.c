/* Calls through cast function pointers, as bash makes them: its unwind-protect list keeps `void` cleanups of one
 * argument or none as `int (*)()` and calls each with one argument, ignoring the result. Natively the extra
 * argument is ignored and the result is whatever the register held; a WASIX program must run the same (a strict
 * call_indirect traps: `wasix-run --strict-indirect-calls`). */
#include "../posix.h"
#include "../fixture.h"

typedef int Function();

static int calls;

static void cleanup(char *what) {
    calls++;
    printf("cleanup of %s\n", what);
}

static void no_arguments(void) {
    calls++;
    printf("a cleanup without arguments\n");
}

static int counted(char *what) {
    calls++;
    printf("a cleanup that returns, for %s\n", what);
    return 42;
}

/* volatile: the calls go through the table, as bash's do, and are not resolved at compile time. */
static Function *volatile cleanups[] = {(Function *)cleanup, (Function *)no_arguments, (Function *)counted};

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);
    for (int round = 0; round < 2; round++) {
        for (unsigned i = 0; i < sizeof cleanups / sizeof *cleanups; i++) (void)(*cleanups[i])("a frame");
    }
    int result = ((Function *)counted)("the end");
    printf("%d calls; the one that returns gave %d\n", calls, result);
    printf("pid is positive: %s\n", getpid() > 0 ? "yes" : "no");
    return 3;
}
