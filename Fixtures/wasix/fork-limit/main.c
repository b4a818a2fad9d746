/* A fork loop that would not stop by itself ends with EAGAIN at --max-processes (8: the first process and 7
 * children); the children, still waiting, are stopped when the first process exits. Linux has no limit on the
 * processes of one tree (RLIMIT_NPROC counts a user's, and not for root), so this one has no native oracle. */
#include "../posix.h"
#include "../fixture.h"

int main(void) {
    int forked = 0;
    pid_t pid;
    for (;;) {
        fflush(stdout);
        pid = fork();
        if (pid < 0) break;
        if (pid == 0) {
            for (;;) pause();
        }
        forked++;
    }
    printf("forked %d children, then %s\n", forked, errno_name(errno));
    return 3;
}
