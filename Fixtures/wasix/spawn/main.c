/* posix_spawn: a program found on PATH, started with file actions (a pipe dup2'd onto its stdout, the pipe's
 * ends closed, a chdir, a file opened as fd 7 relative to the new directory), its own arguments and environment;
 * the parent's directory unchanged; posix_spawn by path with the caller's environment; missing programs fail with
 * ENOENT. */
#include "../posix.h"
#include "../fixture.h"

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);
    int ends[2];
    pipe(ends);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, ends[1], 1);
    posix_spawn_file_actions_addclose(&actions, ends[0]);
    posix_spawn_file_actions_addclose(&actions, ends[1]);
    posix_spawn_file_actions_addchdir_np(&actions, "sub");
    posix_spawn_file_actions_addopen(&actions, 7, "out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char path[1100];
    snprintf(path, sizeof path, "PATH=%s", getenv("PATH"));
    char *arguments[] = {"spawned", "first", "second", NULL};
    char *environment[] = {"GREETING=spawned", path, NULL};
    pid_t pid = 0;
    int error = posix_spawnp(&pid, "spawned", &actions, NULL, arguments, environment);
    posix_spawn_file_actions_destroy(&actions);
    printf("posix_spawnp: %s, pid %s\n", errno_name(error), pid > 0 ? "set" : "not set");
    close(ends[1]);
    char buffer[256];
    read_all(ends[0], buffer, sizeof buffer);
    close(ends[0]);
    printf("its stdout: %s", buffer);
    printf("it %s\n", wait_text(pid));
    FILE *file = fopen("sub/out.txt", "r");
    if (file && fgets(buffer, sizeof buffer, file)) printf("sub/out.txt: %s", buffer);
    if (file) fclose(file);
    char cwd[1024];
    printf("the parent is still in %s\n", shown(getcwd(cwd, sizeof cwd)));

    /* By absolute path, no file actions, the caller's environment: its output goes to our stdout. */
    char *echo[] = {"echo", "spawned", "by", "path", NULL};
    setenv("GREETING", "inherited", 1);
    fflush(stdout);
    error = posix_spawn(&pid, program_path("echo"), NULL, NULL, echo, environ);
    printf("posix_spawn: %s\n", errno_name(error));
    printf("echo %s\n", wait_text(pid));

    error = posix_spawnp(&pid, "no-such-program", NULL, NULL, echo, environ);
    printf("posix_spawnp of a missing program: %s\n", errno_name(error));
    error = posix_spawn(&pid, "./no-such-file", NULL, NULL, echo, environ);
    printf("posix_spawn of a missing file: %s\n", errno_name(error));
    return 0;
}
