// Escape attempts that must all fail: '..' past the preopen, absolute host paths, symlinks leading out,
// and renames and links that would leave the sandbox.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void attempt(const char *what, int result) {
    printf("%-40s %s\n", what, result < 0 ? strerror(errno) : "SUCCEEDED (escape!)");
}

int main(void) {
    int fd;
    attempt("open /sandbox/../secret.txt", fd = open("/sandbox/../secret.txt", O_RDONLY));
    attempt("open /sandbox/inner/../../secret.txt", fd = open("/sandbox/inner/../../secret.txt", O_RDONLY));
    attempt("open /etc/passwd", fd = open("/etc/passwd", O_RDONLY));
    attempt("symlink to /etc/passwd", symlink("/etc/passwd", "/sandbox/abs-link"));
    attempt("open through link to ..", (symlink("..", "/sandbox/up"), open("/sandbox/up/secret.txt", O_RDONLY)));
    attempt("open through nested link", (symlink("inner/../../", "/sandbox/up2"), open("/sandbox/up2/secret.txt", O_RDONLY)));
    attempt("stat through link to ..", ({ struct stat st; stat("/sandbox/up/secret.txt", &st); }));
    attempt("mkdir through link to ..", mkdir("/sandbox/up/newdir", 0755));
    attempt("rename out of the sandbox", rename("/sandbox/inner/file.txt", "/sandbox/../moved.txt"));
    attempt("rename through link to ..", rename("/sandbox/inner/file.txt", "/sandbox/up/moved.txt"));
    attempt("link out of the sandbox", link("/sandbox/inner/file.txt", "/sandbox/up/hard.txt"));
    attempt("unlink through link to ..", unlink("/sandbox/up/secret.txt"));
    struct stat st;
    printf("inside file still there: %d\n", stat("/sandbox/inner/file.txt", &st) == 0);
    return 0;
}
