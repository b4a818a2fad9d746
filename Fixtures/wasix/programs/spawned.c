/* Spawned by the spawn fixture: reports its arguments, environment and working directory, writes to fd 7. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "../wasix.h"

int main(int argc, char **argv) {
    char cwd[64];
    uint32_t length = sizeof cwd;
    wasix_getcwd(cwd, &length);
    printf("%s with %d arguments (%s %s), GREETING=%s, cwd %s\n", argv[0], argc, argv[1], argv[2],
           getenv("GREETING"), cwd);
    dprintf(7, "written by the spawned program to fd 7\n");
    return 6;
}
