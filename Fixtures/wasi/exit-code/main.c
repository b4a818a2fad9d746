// Exit status: exit() with a value the host must pass on.
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    printf("exiting with 42\n");
    fflush(stdout);
    exit(42);
}
