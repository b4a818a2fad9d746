/* Prints what a run gave it: every argument (argv[0] first), GREETING, and the first line of data/file.txt
 * under each preopened directory it was given, for the command-line convention tests. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    for (int i = 0; i < argc; i++) printf("argv[%d] = %s\n", i, argv[i]);
    const char *greeting = getenv("GREETING");
    printf("GREETING = %s\n", greeting ? greeting : "(unset)");
    char line[256] = "";
    FILE *file = fopen("/data/file.txt", "r");
    if (file && fgets(line, sizeof line, file)) printf("/data/file.txt: %s", line);
    else printf("/data/file.txt: cannot open\n");
    return 0;
}
