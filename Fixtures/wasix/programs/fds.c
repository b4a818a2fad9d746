/* Reports whether the descriptors named by its arguments are open (for the close-on-exec fixtures). */
#include <stdio.h>
#include <stdlib.h>
#include <wasi/api.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        __wasi_fdstat_t stat;
        printf("descriptor %d: %s\n", i, __wasi_fd_fdstat_get(atoi(argv[i]), &stat) == 0 ? "open" : "closed");
    }
    return 0;
}
