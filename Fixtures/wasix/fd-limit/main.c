/* Opening files without closing them ends with EMFILE at --max-open-files (stdio and preopens count). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    int opened = 0, fd;
    while ((fd = open("/sandbox/file", O_CREAT | O_WRONLY, 0644)) >= 0) opened++;
    printf("opened %d descriptors, then errno %d (EMFILE is %d)\n", opened, errno, EMFILE);
    close(5);
    printf("after closing one: %s\n", open("/sandbox/file", O_RDONLY) >= 0 ? "opens again" : "still full");
    return 0;
}
