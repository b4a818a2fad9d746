// The less common preview1 calls: allocate, advise, times, links, fcntl flags, renumber, sync, readdir cookies
// across small buffers, poll_oneoff on a clock and on a file, random bytes, sched_yield.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#define CHECK(x) do { if (!(x)) { printf("FAILED line %d: %s (errno %d: %s)\n", __LINE__, #x, errno, strerror(errno)); return 1; } } while (0)

int main(void) {
    int fd = open("/sandbox/big.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0);
    int allocated = posix_fallocate(fd, 0, 4096);
    printf("posix_fallocate: %s\n", allocated == 0 ? "ok" : strerror(allocated));
    CHECK(ftruncate(fd, 4096) == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 4096);
    int advised = posix_fadvise(fd, 0, 4096, POSIX_FADV_SEQUENTIAL);
    printf("posix_fadvise: %s\n", advised == 0 ? "ok" : strerror(advised));
    CHECK(fsync(fd) == 0 && fdatasync(fd) == 0);

    struct timespec times[2] = {{1000000000, 0}, {1200000000, 500}};
    CHECK(futimens(fd, times) == 0);
    CHECK(fstat(fd, &st) == 0);
    printf("mtime: %lld.%09ld atime: %lld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (long long)st.st_atim.tv_sec);
    struct timespec path_times[2] = {{0, UTIME_OMIT}, {1300000000, 0}};
    CHECK(utimensat(AT_FDCWD, "/sandbox/seed.txt", path_times, 0) == 0);
    CHECK(stat("/sandbox/seed.txt", &st) == 0);
    printf("seed mtime: %lld\n", (long long)st.st_mtim.tv_sec);

    int flags = fcntl(fd, F_GETFL);
    CHECK(flags >= 0 && !(flags & O_APPEND));
    CHECK(fcntl(fd, F_SETFL, flags | O_APPEND) == 0);
    CHECK(fcntl(fd, F_GETFL) & O_APPEND);
    CHECK(write(fd, "tail", 4) == 4);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 4100);
    printf("append flag works: %lld\n", (long long)st.st_size);

    CHECK(link("/sandbox/seed.txt", "/sandbox/hard.txt") == 0);
    CHECK(stat("/sandbox/hard.txt", &st) == 0);
    printf("hard link count: %d\n", (int)st.st_nlink);

    int other = open("/sandbox/seed.txt", O_RDONLY);
    CHECK(other >= 0);
    CHECK(__wasi_fd_renumber(other, fd) == 0);
    char buffer[16] = {0};
    CHECK(read(fd, buffer, 5) == 5);
    printf("renumbered fd reads: %s", buffer);
    CHECK(close(other) == -1 && errno == EBADF);
    CHECK(close(fd) == 0);

    CHECK(mkdir("/sandbox/many", 0755) == 0);
    for (int i = 0; i < 40; i++) {
        char name[64];
        sprintf(name, "/sandbox/many/entry-with-a-longish-name-%02d", i);
        int f = open(name, O_CREAT | O_WRONLY, 0644);
        CHECK(f >= 0 && close(f) == 0);
    }
    DIR *dir = opendir("/sandbox/many");
    CHECK(dir != NULL);
    int entries = 0;
    while (readdir(dir)) entries++;
    closedir(dir);
    printf("entries in many: %d\n", entries);

    struct pollfd fds[1] = {{.fd = 0, .events = POLLIN}};
    int file = open("/sandbox/seed.txt", O_RDONLY);
    fds[0].fd = file;
    CHECK(poll(fds, 1, 1000) == 1 && (fds[0].revents & POLLIN));
    printf("regular file is readable at once\n");
    struct timespec before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    CHECK(poll(NULL, 0, 30) == 0);
    clock_gettime(CLOCK_MONOTONIC, &after);
    long elapsed = (after.tv_sec - before.tv_sec) * 1000 + (after.tv_nsec - before.tv_nsec) / 1000000;
    printf("poll timeout waited >= 30ms: %d\n", elapsed >= 30);

    unsigned char random_bytes[64] = {0};
    CHECK(getentropy(random_bytes, sizeof random_bytes) == 0);
    int nonzero = 0;
    for (int i = 0; i < 64; i++) nonzero += random_bytes[i] != 0;
    printf("random bytes vary: %d\n", nonzero > 32);
    CHECK(sched_yield() == 0);
    printf("done\n");
    return 0;
}
