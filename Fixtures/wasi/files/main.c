// File I/O in a preopened directory: create, write, read, seek, pread/pwrite, truncate, stat, rename, unlink.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(x) do { if (!(x)) { printf("FAILED: %s (errno %d: %s)\n", #x, errno, strerror(errno)); return 1; } } while (0)

int main(void) {
    int fd = open("/sandbox/data.txt", O_CREAT | O_TRUNC | O_RDWR, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "hello, files\n", 13) == 13);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    char buffer[64] = {0};
    CHECK(read(fd, buffer, sizeof buffer) == 13);
    printf("read back: %s", buffer);
    CHECK(pwrite(fd, "HELLO", 5, 0) == 5);
    memset(buffer, 0, sizeof buffer);
    CHECK(pread(fd, buffer, 5, 0) == 5);
    printf("pread: %s\n", buffer);
    CHECK(lseek(fd, 0, SEEK_END) == 13);
    CHECK(ftruncate(fd, 5) == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    printf("size after truncate: %lld, regular: %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    CHECK(close(fd) == 0);

    FILE *f = fopen("/sandbox/data.txt", "a");
    CHECK(f != NULL);
    fprintf(f, " appended\n");
    fclose(f);
    f = fopen("/sandbox/data.txt", "r");
    CHECK(f != NULL);
    CHECK(fgets(buffer, sizeof buffer, f) != NULL);
    printf("after append: %s", buffer);
    fclose(f);

    CHECK(rename("/sandbox/data.txt", "/sandbox/renamed.txt") == 0);
    CHECK(stat("/sandbox/data.txt", &st) == -1 && errno == ENOENT);
    CHECK(stat("/sandbox/renamed.txt", &st) == 0);
    printf("renamed size: %lld\n", (long long)st.st_size);
    CHECK(unlink("/sandbox/renamed.txt") == 0);
    CHECK(open("/sandbox/renamed.txt", O_RDONLY) == -1 && errno == ENOENT);
    CHECK(open("/sandbox/missing/file", O_CREAT | O_WRONLY, 0644) == -1 && errno == ENOENT);
    printf("done\n");
    return 0;
}
