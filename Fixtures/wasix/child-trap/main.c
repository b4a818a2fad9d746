/* A child that traps ends as if killed by SIGABRT (the parent sees 134, or signal 6 with the current join);
 * its error goes to stderr and the parent goes on. */
#include <stdio.h>
#include <stdlib.h>
#include "../wasix.h"

static volatile int zero = 0;

int main(void) {
    fflush(stdout);
    uint32_t pid = fork_or_die();
    if (pid == 0) return 10 / zero > 0 ? 1 : 2;
    option_pid which = {1, pid};
    join_status status = {0};
    proc_join_new(&which, 0, &status);
    printf("child: tag %u, signal %u\n", status.tag, status.signal);
    fflush(stdout);
    pid = fork_or_die();
    if (pid == 0) __builtin_trap();
    printf("child: exit code %u\n", join(pid));
    return 0;
}
