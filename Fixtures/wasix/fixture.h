/* Helpers for the oracle fixtures, in plain C over posix.h: output that is the same natively and under wasm
 * (errno names rather than numbers, which differ; wait statuses in words; paths relative to the sandbox). */
#pragma once
#include "posix.h"

/* The name of an errno value. */
static inline const char *errno_name(int error) {
    switch (error) {
    case 0: return "no error";
    case E2BIG: return "E2BIG";
    case EACCES: return "EACCES";
    case EAGAIN: return "EAGAIN";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EEXIST: return "EEXIST";
    case EINTR: return "EINTR";
    case EINVAL: return "EINVAL";
    case EISDIR: return "EISDIR";
    case EMFILE: return "EMFILE";
    case ENOENT: return "ENOENT";
    case ENOEXEC: return "ENOEXEC";
    case ENOMEM: return "ENOMEM";
    case ENOTDIR: return "ENOTDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EPERM: return "EPERM";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case ESPIPE: return "ESPIPE";
    case ESRCH: return "ESRCH";
    default: return "another errno";
    }
}

/* A wait status in words: "exited with N" or "killed by signal N". */
static inline const char *status_text(int status) {
    static char text[64];
    if (WIFEXITED(status)) snprintf(text, sizeof text, "exited with %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) snprintf(text, sizeof text, "killed by signal %d", WTERMSIG(status));
    else if (WIFSTOPPED(status)) snprintf(text, sizeof text, "stopped by signal %d", WSTOPSIG(status));
    else snprintf(text, sizeof text, "status %#x", status);
    return text;
}

/* Waits for `pid` (-1: any child) and describes how it ended. */
static inline const char *wait_text(pid_t pid) {
    int status = 0;
    pid_t reaped = waitpid(pid, &status, 0);
    if (reaped <= 0 || (pid > 0 && reaped != pid)) {
        static char text[64];
        snprintf(text, sizeof text, "waitpid failed: %s", errno_name(errno));
        return text;
    }
    return status_text(status);
}

/* The sandbox directory, the first argument: the program works there (natively a temporary directory, under
 * wasm /sandbox), and prints paths relative to it. */
static char sandbox[1024];

static inline void enter_sandbox(int argc, char **argv) {
    if (argc < 2 || chdir(argv[1]) != 0 || !getcwd(sandbox, sizeof sandbox)) {
        fprintf(stderr, "usage: %s SANDBOX (a directory)\n", argv[0]);
        exit(2);
    }
}

/* `path` with the sandbox's absolute path shown as "<sandbox>". */
static inline const char *shown(const char *path) {
    static char text[1024];
    size_t length = strlen(sandbox);
    if (path && strncmp(path, sandbox, length) == 0 && (path[length] == '/' || path[length] == 0))
        snprintf(text, sizeof text, "<sandbox>%s", path + length);
    else snprintf(text, sizeof text, "%s", path ? path : "(null)");
    return text;
}

/* Reads `fd` until end of file into `buffer` (NUL-terminated); returns the byte count. */
static inline ssize_t read_all(int fd, char *buffer, size_t size) {
    ssize_t total = 0, count;
    while ((size_t)total < size - 1 && (count = read(fd, buffer + total, size - 1 - total)) > 0) total += count;
    buffer[total] = 0;
    return total;
}

/* The absolute path of `name` in the first directory of PATH (where the fixtures' programs are). */
static inline const char *program_path(const char *name) {
    static char path[1024];
    const char *directories = getenv("PATH");
    size_t length = directories ? strcspn(directories, ":") : 0;
    snprintf(path, sizeof path, "%.*s/%s", (int)length, directories ? directories : "", name);
    return path;
}
