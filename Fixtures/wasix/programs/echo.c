/* A program for exec and spawn to run: prints its arguments and GREETING, exits with $STATUS. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    printf("echo:");
    for (int i = 1; i < argc; i++) printf(" %s", argv[i]);
    const char *greeting = getenv("GREETING");
    if (greeting) printf(" (GREETING=%s)", greeting);
    printf("\n");
    const char *status = getenv("STATUS");
    return status ? atoi(status) : 0;
}
