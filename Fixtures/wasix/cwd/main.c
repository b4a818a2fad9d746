/* getcwd/chdir: the working directory starts at /, follows chdir (relative, absolute, ..), refuses files and
 * missing directories, reports a too small buffer, is inherited by fork, and resolves relative exec paths. */
#include <stdio.h>
#include <stdlib.h>
#include "../wasix.h"

#define S(text) text, strlen(text)

static void show(const char *label) {
    char buffer[64];
    uint32_t length = sizeof buffer;
    uint16_t error = wasix_getcwd(buffer, &length);
    printf("%s: %s (errno %u, length %u)\n", label, error ? "-" : buffer, error, length);
}

int main(void) {
    show("start");
    printf("chdir sandbox: %u\n", wasix_chdir(S("sandbox")));
    printf("chdir sub: %u\n", wasix_chdir(S("sub")));
    show("now");
    printf("chdir ..: %u\n", wasix_chdir(S("..")));
    show("back");
    printf("chdir to a file: %u\n", wasix_chdir(S("file.txt")));
    printf("chdir to nothing: %u\n", wasix_chdir(S("/missing")));
    char tiny[4];
    uint32_t length = sizeof tiny;
    printf("small buffer: errno %u, needs %u\n", wasix_getcwd(tiny, &length), length);
    fflush(stdout);
    uint32_t pid = fork_or_die();
    if (pid == 0) {
        show("child");
        fflush(stdout);
        wasix_chdir(S("/bin"));
        proc_exec(S("./echo.wasm"), S("echo\nrelative\nexec"));
    }
    printf("child: %u\n", join(pid));
    show("parent still");
    return 0;
}
