/* posix_spawn through proc_spawn2: a program started with file actions (a pipe dup2'd onto its stdout, a file
 * opened as fd 7, a chdir), its own arguments and environment; a missing program fails with ENOENT. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "../wasix.h"

typedef struct {
    uint8_t cmd;
    uint32_t fd, src_fd, path, path_len, dirflags;
    uint16_t oflags;
    uint64_t rights, rights_inheriting;
    uint16_t fdflags, fdflagsext;
} fd_op; /* 56 bytes */

_Static_assert(sizeof(fd_op) == 56, "fd_op layout");

#define S(text) text, strlen(text)

int main(void) {
    uint32_t ends[2];
    fd_pipe(&ends[0], &ends[1]);
    const char *path = "/sandbox/out.txt";
    fd_op ops[3] = {
        {.cmd = 1, .fd = 1, .src_fd = ends[1]},
        {.cmd = 2, .fd = 7, .path = (uint32_t)path, .path_len = strlen(path), .oflags = 1 | 8, .rights = (1 << 1) | (1 << 6)},
        {.cmd = 3, .path = (uint32_t)"/sandbox", .path_len = 8},
    };
    uint32_t pid = 0;
    uint16_t error = proc_spawn2(S("/bin/spawned.wasm"), S("spawned\nfirst\nsecond"), S("GREETING=spawned"),
                                 ops, 3, NULL, 0, 0, S(""), &pid);
    printf("spawn: errno %u, pid %u\n", error, pid);
    close(ends[1]);
    char buffer[256];
    ssize_t total = 0, count;
    while ((count = read(ends[0], buffer + total, sizeof buffer - 1 - total)) > 0) total += count;
    buffer[total] = 0;
    printf("its stdout: %s", buffer);
    printf("it exited with %u\n", join(pid));
    FILE *file = fopen("/sandbox/out.txt", "r");
    if (file && fgets(buffer, sizeof buffer, file)) printf("out.txt: %s", buffer);

    error = proc_spawn2(S("no-such-program"), S("x"), S(""), NULL, 0, NULL, 0, 1, S("/bin"), &pid);
    printf("missing program: errno %u\n", error);
    return 0;
}
