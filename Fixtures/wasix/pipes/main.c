/* Pipes between processes: EOF once every writer is gone, dup/dup2 of a pipe, a pipe moved
 * onto a child's stdout with fd_renumber (the 2022 libc's dup2), close-on-exec flags. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <wasi/api.h>
#include "../wasix.h"

/* Reads `fd` until EOF into `buffer`; returns the byte count. */
static ssize_t read_all(int fd, char *buffer, size_t size) {
    ssize_t total = 0, count;
    while ((count = read(fd, buffer + total, size - 1 - total)) > 0) total += count;
    buffer[total] = 0;
    return total;
}

int main(void) {
    uint32_t ends[2];
    if (fd_pipe(&ends[0], &ends[1]) != 0) return 1;
    fflush(stdout);
    uint32_t pid = fork_or_die();
    if (pid == 0) {
        close(ends[0]);
        for (int i = 0; i < 3; i++) dprintf(ends[1], "line %d from the child\n", i);
        return 0;
    }
    close(ends[1]);
    char buffer[256];
    ssize_t total = read_all(ends[0], buffer, sizeof buffer);
    printf("parent read %zd bytes until EOF:\n%s", total, buffer);
    printf("child exited with %u\n", join(pid));
    close(ends[0]);

    fd_pipe(&ends[0], &ends[1]);

    /* The child's stdout becomes the pipe; the parent reads it. */
    fflush(stdout);
    pid = fork_or_die();
    if (pid == 0) {
        close(ends[0]);
        if (__wasi_fd_renumber(ends[1], 1) != 0) return 1;
        printf("written to stdout in the child\n");
        return 0;
    }
    close(ends[1]);
    read_all(ends[0], buffer, sizeof buffer);
    printf("via stdout: %s", buffer);
    join(pid);

    uint32_t copy = 0, high = 0;
    uint16_t flags = 9;
    fd_dup(1, &copy);
    fd_dup2(1, 20, 1, &high);
    fd_fdflags_get(high, &flags);
    printf("dup: %s, dup2 from 20: %u, cloexec %u", copy > 2 && copy < 20 ? "a new fd" : "wrong", high, flags);
    fd_fdflags_set(high, 0);
    fd_fdflags_get(high, &flags);
    printf(" then %u\n", flags);
    fflush(stdout);
    dprintf(high, "written through the dup2 copy\n");
    return 0;
}
