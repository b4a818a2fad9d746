// Arguments and environment: prints argv and the variables it is given.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    printf("hello from wasi, %d arguments\n", argc);
    for (int i = 1; i < argc; i++) printf("argv[%d] = %s\n", i, argv[i]);
    const char *greeting = getenv("GREETING");
    printf("GREETING = %s\n", greeting ? greeting : "(unset)");
    printf("MISSING = %s\n", getenv("MISSING") ? "set" : "(unset)");
    return 0;
}
