/* Fills argv[1] MiB of memory, then forks children that wait until the fork is refused; prints how many it
 * made and the errno of the refusal (for the memory budget: ENOMEM once the tree's memories fill it). */
#include "../posix.h"
#include "../fixture.h"

int main(int argc, char **argv) {
    size_t size = (size_t)(argc > 1 ? atoi(argv[1]) : 8) << 20;
    char *block = malloc(size);
    if (!block) return 2;
    memset(block, 1, size);
    int made = 0;
    for (;;) {
        pid_t pid = fork();
        if (pid == 0) {
            for (;;) pause();
        }
        if (pid < 0) break;
        made++;
    }
    printf("forked %d children, then %s (memory still holds %d)\n", made, errno_name(errno), block[size - 1]);
    return 0;
}
