/* vfork: the child runs in the parent's memory (what it writes there, the parent sees) until it calls _exit or
 * exec, and then the parent goes on, vfork returning the child's pid; the child is a process of its own (its pid,
 * the parent as its parent, its exit status for waitpid) with a descriptor table of its own (its dup2 and close
 * leave the parent's alone); exec runs a program as the child; a failing exec returns and the child goes on; a
 * vfork child may vfork again. The children write with write(2): the stdio buffers are the parent's. */
#include "../posix.h"
#include "../fixture.h"

static int shared; /* written by vfork children */
static pid_t child_pid, child_parent;

static void say(int fd, const char *text) {
    ssize_t written = write(fd, text, strlen(text));
    (void)written;
}

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);
    pid_t self = getpid();

    /* _exit with a status; what the child writes to memory is the parent's. */
    fflush(stdout);
    pid_t pid = vfork();
    if (pid == 0) {
        shared = 42;
        child_pid = getpid();
        child_parent = getppid();
        _exit(7);
    }
    printf("vfork returned a child's pid: %s\n", pid > 0 && pid != self ? "yes" : "no");
    printf("the child's write is seen: %d\n", shared);
    printf("getpid in the child: %s\n", child_pid == pid ? "the child's" : child_pid == self ? "ours" : "another");
    printf("getppid in the child: %s\n", child_parent == self ? "ours" : "another");
    printf("getpid back in the parent: %s\n", getpid() == self ? "ours" : "another");
    printf("_exit(7): %s\n", wait_text(pid));

    /* The child's dup2 onto stdout and close of a pipe's write end change its own descriptors only. */
    int ends[2];
    pipe(ends);
    int file = open("child-stdout.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        dup2(file, 1);
        close(ends[1]);
        close(file);
        say(1, "the child's stdout was this file\n");
        _exit(0);
    }
    printf("dup2 and close in the child: %s\n", wait_text(pid));
    printf("the parent's copy of the file is open: %s\n", fcntl(file, F_GETFD) >= 0 ? "yes" : "no");
    close(file);
    say(ends[1], "through the parent's write end\n");
    close(ends[1]);
    char text[256];
    read_all(ends[0], text, sizeof text);
    close(ends[0]);
    printf("the pipe: %s", text);
    file = open("child-stdout.txt", O_RDONLY);
    read_all(file, text, sizeof text);
    close(file);
    printf("the file: %s", text);

    /* exec runs the program as the child; its exit status is the child's. */
    char *arguments[] = {"echo", "exec'd", "after", "vfork", NULL};
    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        execv(program_path("echo"), arguments);
        _exit(127);
    }
    printf("execv: %s\n", wait_text(pid));
    char *environment[] = {"GREETING=from vfork", "STATUS=3", NULL};
    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        execve(program_path("echo"), arguments, environment);
        _exit(127);
    }
    printf("execve with an environment: %s\n", wait_text(pid));

    /* A failing exec returns in the child, which goes on. */
    shared = 0;
    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        char *missing[] = {"not-here", NULL};
        shared = execv("./not-here", missing) == -1 && errno == ENOENT ? 1 : 2;
        _exit(30);
    }
    printf("failing execv in the child: %s, then %s\n", shared == 1 ? "ENOENT" : "something else", wait_text(pid));

    /* A vfork child vforks again: the grandchild's status reaches the child, the child's the parent. */
    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        pid_t grandchild = vfork();
        if (grandchild == 0) _exit(5);
        int status = 0;
        if (waitpid(grandchild, &status, 0) != grandchild) _exit(99);
        _exit(WEXITSTATUS(status) + 1);
    }
    printf("nested vfork: %s\n", wait_text(pid));

    /* waitpid(-1) finds a vfork child too; then no child is left. */
    fflush(stdout);
    pid = vfork();
    if (pid == 0) _exit(9);
    int status = 0;
    pid_t reaped = waitpid(-1, &status, 0);
    printf("waitpid(-1): %s, %s\n", reaped == pid ? "the vfork child" : "another", status_text(status));
    printf("then: %s\n", wait_text(-1));
    return 0;
}
