/* A fork loop that would not stop by itself ends with EAGAIN at --max-processes; the children, still sleeping,
 * are stopped when the first process exits. A child that traps is seen by its parent as killed by SIGABRT. */
#include <stdio.h>
#include <stdlib.h>
#include "../wasix.h"

int main(void) {
    int forked = 0;
    uint32_t pid = 0;
    uint16_t error;
    for (;;) {
        fflush(stdout);
        error = proc_fork(1, &pid);
        if (error != 0) break;
        if (pid == 0) {
            for (;;) thread_sleep(1000000);
        }
        forked++;
    }
    printf("forked %d children, then errno %u\n", forked, error);
    return 3;
}
