/* Prints the last part of its working directory and the first line of the file its argument names (relative
 * paths resolve there), for the working-directory fixtures. */
#include "../posix.h"

int main(int argc, char **argv) {
    char cwd[1024], line[256] = "";
    const char *last = getcwd(cwd, sizeof cwd) ? strrchr(cwd, '/') : NULL;
    FILE *file = argc > 1 ? fopen(argv[1], "r") : NULL;
    if (file && !fgets(line, sizeof line, file)) line[0] = 0;
    printf("where: cwd ends in %s, %s: %s", last ? last : "?", argc > 1 ? argv[1] : "-",
           file ? line : "cannot open\n");
    return file ? 0 : 1;
}
