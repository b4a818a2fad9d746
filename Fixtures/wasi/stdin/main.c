// Reads stdin line by line, as it arrives, and echoes each line upper-cased with its number.
#include <ctype.h>
#include <stdio.h>

int main(void) {
    char line[256];
    int number = 0;
    while (fgets(line, sizeof line, stdin)) {
        for (char *c = line; *c; c++) *c = toupper((unsigned char)*c);
        printf("%d: %s", ++number, line);
        fflush(stdout);  /* each line out before the next comes in, also into a pipe */
    }
    printf("%d lines\n", number);
    return 0;
}
