/* Sleeps until a signal ends it (for the Ctrl-C test): prints "ready" first. */
#include <stdio.h>
#include "../wasix.h"

int main(void) {
    printf("ready\n");
    fflush(stdout);
    for (;;) thread_sleep(10000000);
}
