/* exec and posix_spawn of names from wasix-run's command table (--command greet=echo.wasm), which has no
 * native equivalent: by bare name, and as /bin/greet. */
#include "../posix.h"
#include "../fixture.h"

int main(void) {
    char *arguments[] = {"greet", "command", "table", NULL};
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execvp("greet", arguments);
        _exit(127);
    }
    printf("execvp greet: %s\n", wait_text(pid));
    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        execv("/bin/greet", arguments);
        _exit(127);
    }
    printf("vfork and execv /bin/greet: %s\n", wait_text(pid));
    fflush(stdout);
    int error = posix_spawnp(&pid, "greet", NULL, NULL, arguments, environ);
    printf("posix_spawnp greet: %s, %s\n", errno_name(error), wait_text(pid));
    return 0;
}
