/* fork: pids and parents, memory copied (each side's writes stay its own), wait statuses (exit codes, exit codes
 * beyond 255, main's return), nested forks, waitpid for a given child and for any, WNOHANG, ECHILD, and a bounded
 * fork loop. */
#include "../posix.h"
#include "../fixture.h"

static int counter = 100;

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);
    pid_t root = getpid();

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        counter += 1;
        printf("child: own pid is new: %s, parent is the root: %s, counter %d\n", getpid() != root ? "yes" : "no",
               getppid() == root ? "yes" : "no", counter);
        exit(7);
    }
    counter -= 1;
    int status = 0;
    pid_t reaped = waitpid(pid, &status, 0);
    printf("parent: waitpid returned the child: %s, %s, counter %d\n", reaped == pid ? "yes" : "no",
           status_text(status), counter);
    printf("parent: fork returned a new pid: %s, own pid unchanged: %s\n", pid != root && pid > 0 ? "yes" : "no",
           getpid() == root ? "yes" : "no");

    /* Only the low 8 bits of an exit code reach the parent; returning from main is exiting. */
    fflush(stdout);
    if (fork() == 0) exit(256 + 5);
    printf("exit(261): %s\n", wait_text(-1));
    fflush(stdout);
    if (fork() == 0) return 12;
    printf("return 12 from main: %s\n", wait_text(-1));

    /* Nested: a child that forks a grandchild and passes on its status. */
    fflush(stdout);
    if (fork() == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            printf("grandchild: parent is not the root: %s\n", getppid() != root ? "yes" : "no");
            exit(3);
        }
        int inner = 0;
        wait(&inner);
        exit(10 + WEXITSTATUS(inner));
    }
    printf("nested: %s\n", wait_text(-1));

    /* WNOHANG while the child still runs (it waits for the parent to close a pipe), then for real. */
    int ends[2];
    pipe(ends);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char byte;
        close(ends[1]);
        read(ends[0], &byte, 1);
        exit(42);
    }
    close(ends[0]);
    status = -1;
    reaped = waitpid(pid, &status, WNOHANG);
    printf("WNOHANG while it runs: returned %d, status untouched: %s\n", reaped, status == -1 ? "yes" : "no");
    close(ends[1]);
    printf("after it ends: %s\n", wait_text(pid));
    reaped = waitpid(pid, &status, 0);
    printf("waitpid for it again: %d, %s\n", reaped, errno_name(errno));
    reaped = wait(&status);
    printf("wait with no children: %d, %s\n", reaped, errno_name(errno));
    reaped = waitpid(-1, &status, WNOHANG);
    printf("WNOHANG with no children: %d, %s\n", reaped, errno_name(errno));

    /* A bounded fork loop: every child exits with its index; wait reaps each pid once. */
    pid_t children[20];
    for (int i = 0; i < 20; i++) {
        fflush(stdout);
        children[i] = fork();
        if (children[i] == 0) exit(i + 1);
    }
    int sum = 0, matched = 0;
    for (int i = 0; i < 20; i++) {
        reaped = wait(&status);
        sum += WEXITSTATUS(status);
        for (int j = 0; j < 20; j++) {
            if (children[j] == reaped) {
                matched += WEXITSTATUS(status) == j + 1;
                children[j] = 0;
            }
        }
    }
    printf("20 children: exit codes sum to %d, %d reaped with their own code\n", sum, matched);
    return 0;
}
