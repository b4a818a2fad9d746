/* Writes a line to /sandbox/out.txt (through fd_write, unbuffered), then ends as argv[1] says: "trap", "divide"
 * (by zero), "signal" (SIGTERM without a handler), "loop" (until a limit or Ctrl-C stops it), with a forked child
 * still running. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "../wasix.h"

int main(int argc, char **argv) {
    int fd = open("/sandbox/out.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0 || argc < 2) return 2;
    write(fd, "written before the end\n", 23);
    if (fork_or_die() == 0) {
        for (;;) thread_sleep(1000000);
    }
    printf("ready\n");
    fflush(stdout);
    if (strcmp(argv[1], "trap") == 0) __builtin_trap();
    static volatile int zero = 0;
    if (strcmp(argv[1], "divide") == 0) return 10 / zero;
    if (strcmp(argv[1], "signal") == 0) proc_signal(1, 15);
    for (volatile int i = 0;; i++) {}
}
