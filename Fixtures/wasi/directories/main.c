// Directories: mkdir, readdir (sorted here, since the host's order varies), nested paths, symlinks, rmdir.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(x) do { if (!(x)) { printf("FAILED: %s (errno %d: %s)\n", #x, errno, strerror(errno)); return 1; } } while (0)

static int compare(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int list(const char *path) {
    DIR *dir = opendir(path);
    if (!dir) return -1;
    char *names[64];
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) && count < 64) {
        names[count] = malloc(strlen(entry->d_name) + 8);
        sprintf(names[count], "%s%s", entry->d_name, entry->d_type == DT_DIR ? "/" : "");
        count++;
    }
    closedir(dir);
    qsort(names, count, sizeof names[0], compare);
    printf("%s:", path);
    for (int i = 0; i < count; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
    return count;
}

int main(void) {
    CHECK(list("/sandbox") >= 2);
    CHECK(mkdir("/sandbox/a", 0755) == 0);
    CHECK(mkdir("/sandbox/a/b", 0755) == 0);
    CHECK(mkdir("/sandbox/a", 0755) == -1 && errno == EEXIST);
    int fd = open("/sandbox/a/b/file.txt", O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && write(fd, "x", 1) == 1 && close(fd) == 0);
    CHECK(list("/sandbox/a") == 3);
    CHECK(list("/sandbox/a/b") == 3);
    CHECK(symlink("b/file.txt", "/sandbox/a/link") == 0);
    char target[64] = {0};
    CHECK(readlink("/sandbox/a/link", target, sizeof target) == 10);
    printf("link -> %s\n", target);
    struct stat st;
    CHECK(stat("/sandbox/a/link", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 1);
    CHECK(lstat("/sandbox/a/link", &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(rmdir("/sandbox/a/b") == -1 && errno == ENOTEMPTY);
    CHECK(unlink("/sandbox/a/link") == 0);
    CHECK(unlink("/sandbox/a/b/file.txt") == 0);
    CHECK(rmdir("/sandbox/a/b") == 0);
    CHECK(rmdir("/sandbox/a") == 0);
    CHECK(list("/sandbox") >= 2);
    CHECK(opendir("/sandbox/nothing") == NULL && errno == ENOENT);
    printf("done\n");
    return 0;
}
