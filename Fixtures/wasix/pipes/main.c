/* Pipes: a read end and a write end; end of file once every write end is closed (the child's and the parent's),
 * EAGAIN before that without blocking, EPIPE (or death by SIGPIPE) once every read end is closed; more than a
 * pipe holds; a child's stdout moved onto a pipe with dup2; dup and dup2 (sharing the file offset, the lowest free
 * descriptor, close-on-exec cleared), fcntl F_DUPFD_CLOEXEC and F_GETFD/F_SETFD; poll and select on a pipe. */
#include "../posix.h"
#include "../fixture.h"

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);
    char buffer[256];
    int ends[2];

    /* A child writes, the parent reads until end of file. */
    pipe(ends);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(ends[0]);
        for (int i = 0; i < 3; i++) dprintf(ends[1], "line %d from the child\n", i);
        exit(0);
    }
    close(ends[1]);
    ssize_t total = read_all(ends[0], buffer, sizeof buffer);
    printf("parent read %zd bytes until end of file:\n%s", total, buffer);
    printf("child: %s\n", wait_text(pid));
    close(ends[0]);

    /* Two writers: the end of file comes after both are gone. */
    pipe(ends);
    for (int i = 0; i < 2; i++) {
        fflush(stdout);
        if (fork() == 0) {
            close(ends[0]);
            if (i == 1) usleep(20000);
            dprintf(ends[1], "writer %d\n", i);
            exit(0);
        }
    }
    close(ends[1]);
    read_all(ends[0], buffer, sizeof buffer);
    printf("from two writers:\n%s", buffer);
    wait(NULL);
    wait(NULL);
    close(ends[0]);

    /* The parent's own write end keeps the pipe open: without blocking, EAGAIN until it too is closed. */
    pipe(ends);
    fflush(stdout);
    if (fork() == 0) {
        write(ends[1], "x", 1);
        exit(0);
    }
    wait(NULL);
    fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK);
    ssize_t first = read(ends[0], buffer, sizeof buffer);
    ssize_t second = read(ends[0], buffer, sizeof buffer);
    printf("non-blocking reads with a writer left: %zd, then %zd (%s)\n", first, second, errno_name(errno));
    close(ends[1]);
    printf("after closing it: %zd\n", read(ends[0], buffer, sizeof buffer));
    close(ends[0]);

    /* Each end goes one way. */
    pipe(ends);
    ssize_t written = write(ends[0], "x", 1);
    printf("write to the read end: %zd (%s)\n", written, errno_name(errno));
    ssize_t got = read(ends[1], buffer, 1);
    printf("read from the write end: %zd (%s)\n", got, errno_name(errno));
    close(ends[0]);
    close(ends[1]);

    /* No reader left: a child with the default action dies of SIGPIPE; ignoring it, write fails with EPIPE. */
    pipe(ends);
    close(ends[0]);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        write(ends[1], "x", 1);
        exit(0);
    }
    printf("writing child: %s\n", wait_text(pid));
    signal(SIGPIPE, SIG_IGN);
    written = write(ends[1], "x", 1);
    printf("write with SIGPIPE ignored: %zd (%s)\n", written, errno_name(errno));
    close(ends[1]);

    /* More than a pipe holds (64 KiB on Linux): the writer blocks until the reader catches up. */
    pipe(ends);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        close(ends[0]);
        static char block[200000];
        memset(block, 'z', sizeof block);
        ssize_t sent = 0, count;
        while (sent < (ssize_t)sizeof block && (count = write(ends[1], block + sent, sizeof block - sent)) > 0)
            sent += count;
        exit(sent == (ssize_t)sizeof block ? 0 : 1);
    }
    close(ends[1]);
    usleep(20000);
    ssize_t received = 0, count;
    int all_z = 1;
    while ((count = read(ends[0], buffer, sizeof buffer)) > 0) {
        for (ssize_t i = 0; i < count; i++) all_z &= buffer[i] == 'z';
        received += count;
    }
    printf("a large write: %zd bytes received, all intact: %s, writer %s\n", received, all_z ? "yes" : "no",
           wait_text(pid));
    close(ends[0]);

    /* The child's stdout becomes the pipe; the parent reads it. */
    pipe(ends);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        close(ends[0]);
        if (dup2(ends[1], 1) != 1) exit(1);
        close(ends[1]);
        printf("written to stdout in the child\n");
        exit(0);
    }
    close(ends[1]);
    read_all(ends[0], buffer, sizeof buffer);
    printf("via stdout: %s", buffer);
    printf("child: %s\n", wait_text(pid));
    close(ends[0]);

    /* dup gives the lowest free descriptor, sharing the open file and its offset. */
    int file = open("shared.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int copy = dup(file);
    close(copy);
    int again = dup(file);
    write(file, "abc", 3);
    write(again, "def\n", 4);
    printf("dup: lowest free descriptor reused: %s, shared offset: %lld\n", again == copy ? "yes" : "no",
           (long long)lseek(file, 0, SEEK_CUR));
    int result = dup2(copy + 100, again);
    printf("dup2 of a closed descriptor: %d (%s)\n", result, errno_name(errno));
    close(file);
    close(again);

    /* F_DUPFD_CLOEXEC from 20, its flag cleared by F_SETFD and by dup2 onto it. */
    int high = fcntl(1, F_DUPFD_CLOEXEC, 20);
    int flags = fcntl(high, F_GETFD);
    fcntl(high, F_SETFD, 0);
    printf("F_DUPFD_CLOEXEC from 20: %d, close-on-exec %s, then %s\n", high, flags & FD_CLOEXEC ? "set" : "clear",
           fcntl(high, F_GETFD) & FD_CLOEXEC ? "set" : "clear");
    fcntl(high, F_SETFD, FD_CLOEXEC);
    int onto = dup2(1, high);
    printf("dup2 onto it: %d, close-on-exec %s\n", onto, fcntl(high, F_GETFD) & FD_CLOEXEC ? "set" : "clear");
    fflush(stdout);
    dprintf(high, "written through the dup2 copy\n");
    close(high);

    /* poll and select: nothing to read, then data, then only the end of file. */
    pipe(ends);
    struct pollfd watched = {.fd = ends[0], .events = POLLIN};
    int ready = poll(&watched, 1, 0);
    printf("poll on an empty pipe: %d\n", ready);
    write(ends[1], "y", 1);
    ready = poll(&watched, 1, 1000);
    printf("poll after a write: %d, POLLIN %s\n", ready, watched.revents & POLLIN ? "yes" : "no");
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(ends[0], &readable);
    struct timeval timeout = {1, 0};
    ready = select(ends[0] + 1, &readable, NULL, NULL, &timeout);
    printf("select after a write: %d, readable %s\n", ready, FD_ISSET(ends[0], &readable) ? "yes" : "no");
    read(ends[0], buffer, 1);
    close(ends[1]);
    ready = poll(&watched, 1, 1000);
    printf("poll with the writer gone: %d, POLLHUP %s\n", ready, watched.revents & POLLHUP ? "yes" : "no");
    close(ends[0]);
    return 0;
}
