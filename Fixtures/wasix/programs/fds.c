/* Reports whether descriptors 5 and 6 are open (for the close-on-exec fixture). */
#include <stdio.h>
#include <wasi/api.h>

int main(void) {
    for (int fd = 5; fd <= 6; fd++) {
        __wasi_fdstat_t stat;
        printf("fd %d: %s\n", fd, __wasi_fd_fdstat_get(fd, &stat) == 0 ? "open" : "closed");
    }
    return 0;
}
