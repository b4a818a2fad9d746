/* Opening files without closing them ends with EMFILE at the open-file limit (16: stdio and every other open
 * descriptor count; natively `ulimit -n 16`, under wasm --max-open-files 16); closing one lets one more open, with
 * the number just freed. */
#include "../posix.h"
#include "../fixture.h"

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);
    int fd, highest = -1;
    while ((fd = open("file", O_CREAT | O_WRONLY, 0644)) >= 0) highest = fd;
    printf("opened until %s; the highest descriptor: %d\n", errno_name(errno), highest);
    close(highest);
    fd = open("file", O_RDONLY);
    printf("after closing it: %s\n", fd == highest ? "it opens again" : fd >= 0 ? "another number" : "still full");
    fd = dup(0);
    printf("dup when full: %d (%s)\n", fd, errno_name(errno));
    int ends[2];
    int result = pipe(ends);
    printf("pipe when full: %d (%s)\n", result, errno_name(errno));
    return 0;
}
