/* exec: by path, by bare name through PATH, by a name from --command; arguments and environment passed on;
 * vfork parents wait for the exec; close-on-exec honoured; a failing exec3 returns its errno. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <wasi/api.h>
#include "../wasix.h"

#define S(text) text, strlen(text)

int main(void) {
    /* fork + exec by absolute path, keeping the inherited environment. */
    fflush(stdout);
    uint32_t pid = fork_or_die();
    if (pid == 0) proc_exec(S("/bin/echo.wasm"), S("echo\nby\npath\n"));
    printf("by path: %u\n", join(pid));

    /* vfork + exec by bare name found on PATH, with an environment of its own and an exit status. */
    fflush(stdout);
    if (proc_fork(0, &pid) != 0) return 1;
    if (pid == 0) {
        uint16_t error = proc_exec3(S("echo"), S("echo\nfrom\nvfork"), S("GREETING=hi\nSTATUS=4"), 1, S("/nowhere:/bin"));
        _exit(100 + error);
    }
    printf("vfork parent resumes after the exec; child %u exited with %u\n", pid, join(pid));

    /* A name from the command table. */
    fflush(stdout);
    if (proc_fork(0, &pid) != 0) return 1;
    if (pid == 0) proc_exec(S("greet"), S("greet\ncommand\ntable"));
    printf("command table: %u\n", join(pid));

    /* A failing exec3 returns; the child goes on and exits as it likes. */
    fflush(stdout);
    pid = fork_or_die();
    if (pid == 0) {
        uint16_t error = proc_exec3(S("./not-here.wasm"), S("x"), S(""), 0, S(""));
        printf("exec3 of a missing file: errno %u\n", error);
        exit(30);
    }
    printf("failing exec: %u\n", join(pid));

    /* vfork, then _exit without exec: the parent resumes with the status. */
    fflush(stdout);
    if (proc_fork(0, &pid) != 0) return 1;
    if (pid == 0) _exit(10);
    printf("vfork + _exit: %u\n", join(pid));

    /* Close-on-exec: after exec, fd 5 (dup2 with cloexec) and a file opened by path_open2 with cloexec are
     * closed, fd 6 (dup2 without) is open. */
    uint32_t kept = 0, closed = 0, opened = 0;
    fd_dup2(1, 5, 1, &closed);
    fd_dup2(1, 6, 0, &kept);
    /* A WASIX program has one preopen, the root (fd 3), which takes absolute paths. */
    uint16_t error = path_open2(3, 0, S("/sandbox/cloexec.txt"), 1, (1 << 1) | (1 << 6), 0, 0, 1, &opened);
    uint16_t flags = 0;
    fd_fdflags_get(opened, &flags);
    printf("path_open2: errno %u, cloexec %u\n", error, flags);
    char arguments[64];
    snprintf(arguments, sizeof arguments, "fds\n%u\n%u\n%u", closed, kept, opened);
    fflush(stdout);
    pid = fork_or_die();
    if (pid == 0) proc_exec(S("/bin/fds.wasm"), arguments, strlen(arguments));
    printf("fds: %u\n", join(pid));
    return 0;
}
