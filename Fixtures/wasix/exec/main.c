/* exec: by absolute path and by name through PATH (past a directory that does not exist), with the arguments and
 * the environment passed on; vfork parents resume once the child has exec'd or _exit'ed; a failing exec returns
 * ENOENT and the child goes on; close-on-exec (F_DUPFD_CLOEXEC, O_CLOEXEC, FD_CLOEXEC) honoured, other
 * descriptors kept; an exec'd program writes to a descriptor it inherited. */
#include "../posix.h"
#include "../fixture.h"

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);
    char path[1024];
    snprintf(path, sizeof path, "%s", program_path("echo"));

    /* fork + execv by absolute path, with the inherited environment. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char *arguments[] = {"echo", "by", "path", NULL};
        execv(path, arguments);
        _exit(127);
    }
    printf("by path: %s\n", wait_text(pid));

    /* fork + execvp by bare name, PATH starting with a directory that does not exist, an environment of its own
     * and an exit status from it. */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char search[1100];
        snprintf(search, sizeof search, "/nowhere:%s", getenv("PATH"));
        setenv("PATH", search, 1);
        setenv("GREETING", "hi", 1);
        setenv("STATUS", "4", 1);
        char *arguments[] = {"echo", "from", "PATH", NULL};
        execvp("echo", arguments);
        _exit(127);
    }
    printf("by name: %s\n", wait_text(pid));

    /* vfork + execve: the parent resumes after the exec, the environment is exactly the one given. */
    char *arguments[] = {"echo", "after", "vfork", NULL};
    char *environment[] = {"GREETING=vfork", "STATUS=3", NULL};
    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        execve(path, arguments, environment);
        _exit(127);
    }
    printf("vfork parent resumed; child %s\n", wait_text(pid));

    /* vfork, then _exit without exec. */
    fflush(stdout);
    pid = vfork();
    if (pid == 0) _exit(10);
    printf("vfork + _exit: %s\n", wait_text(pid));

    /* A failing exec returns; the child goes on and exits as it likes. */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char *missing[] = {"not-here", NULL};
        int result = execv("./not-here", missing);
        printf("execv of a missing file: %d (%s)\n", result, errno_name(errno));
        result = execvp("no-such-program", missing);
        printf("execvp of a missing program: %d (%s)\n", result, errno_name(errno));
        exit(30);
    }
    printf("failing exec: %s\n", wait_text(pid));

    /* Close-on-exec: descriptors 5 (F_DUPFD_CLOEXEC), 7 (FD_CLOEXEC set later) and an O_CLOEXEC file are closed
     * by exec; 6 (F_DUPFD) and 8 (dup2) stay open. */
    int closed = fcntl(1, F_DUPFD_CLOEXEC, 5);
    int kept = fcntl(1, F_DUPFD, 6);
    int flagged = fcntl(1, F_DUPFD, 7);
    fcntl(flagged, F_SETFD, FD_CLOEXEC);
    int copied = dup2(1, 8);
    int opened = open("cloexec.txt", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    printf("descriptors %d %d %d %d; the O_CLOEXEC one has FD_CLOEXEC: %s\n", closed, kept, flagged, copied,
           fcntl(opened, F_GETFD) & FD_CLOEXEC ? "yes" : "no");
    char numbers[5][16];
    snprintf(numbers[0], 16, "%d", closed);
    snprintf(numbers[1], 16, "%d", kept);
    snprintf(numbers[2], 16, "%d", flagged);
    snprintf(numbers[3], 16, "%d", copied);
    snprintf(numbers[4], 16, "%d", opened);
    char *fds[] = {"fds", numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], NULL};
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        execvp("fds", fds);
        _exit(127);
    }
    printf("fds: %s\n", wait_text(pid));

    /* The exec'd program's stdout is what the parent made it: a file in the sandbox. */
    int file = open("echoed.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        dup2(file, 1);
        char *words[] = {"echo", "into", "a", "file", NULL};
        execvp("echo", words);
        _exit(127);
    }
    close(file);
    printf("echo into a file: %s\n", wait_text(pid));
    return 0;
}
