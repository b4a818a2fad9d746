/* fork: pids, copied memory, exit codes through both proc_join forms, nested forks, a bounded fork loop. */
#include <stdio.h>
#include <stdlib.h>
#include "../wasix.h"

static int counter = 100;

int main(void) {
    uint32_t self = 0, parent = 0;
    proc_id(&self);
    proc_parent(self, &parent);
    printf("root pid %u, parent %u\n", self, parent);
    fflush(stdout);

    uint32_t pid = fork_or_die();
    if (pid == 0) {
        counter += 1;
        uint32_t child = 0;
        proc_id(&child);
        proc_parent(child, &parent);
        printf("child: pid %u, parent %u, counter %d\n", child, parent, counter);
        exit(7);
    }
    printf("parent: child %u exited with %u, counter still %d\n", pid, join(pid), counter);

    /* Nested: a child that forks a grandchild and passes on its status. */
    fflush(stdout);
    if (fork_or_die() == 0) {
        fflush(stdout);
        if (fork_or_die() == 0) exit(3);
        exit(10 + join(-1));
    }
    printf("nested: %u\n", join(-1));

    /* The current proc_join: a given pid, then a non-blocking join with nothing left. */
    fflush(stdout);
    pid = fork_or_die();
    if (pid == 0) exit(42);
    option_pid which = {1, pid};
    join_status status = {0};
    uint16_t error = proc_join_new(&which, 0, &status);
    printf("join3: errno %u, pid %s, tag %u, code %u\n", error, which.pid == pid ? "ok" : "wrong", status.tag, status.code);
    which.tag = 0;
    printf("join with no children: errno %u\n", proc_join_new(&which, 1, &status));

    /* A bounded fork loop: every child exits with its index. */
    int sum = 0;
    for (int i = 1; i <= 20; i++) {
        fflush(stdout);
        if (fork_or_die() == 0) exit(i);
    }
    for (int i = 0; i < 20; i++) sum += join(-1);
    printf("20 children, exit codes sum to %d\n", sum);
    return 0;
}
