/* Spawned by the spawn fixture: reports its arguments, environment and the last part of its working directory,
 * writes a line to fd 7, and exits with 6. */
#include "../posix.h"

int main(int argc, char **argv) {
    char cwd[1024];
    const char *last = getcwd(cwd, sizeof cwd) ? strrchr(cwd, '/') : NULL;
    printf("%s with %d arguments (%s %s), GREETING=%s, cwd ends in %s\n", argv[0], argc, argc > 1 ? argv[1] : "-",
           argc > 2 ? argv[2] : "-", getenv("GREETING"), last ? last : "?");
    dprintf(7, "written by the spawned program to fd 7\n");
    return 6;
}
