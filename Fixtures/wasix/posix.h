/* POSIX for the oracle fixtures. Natively this is just the system's headers. For wasm (clang-14 against Debian's
 * wasi-libc) it is a small layer over the WASIX imports for what wasi-libc lacks: fork and wait, pipes and dup,
 * exec and posix_spawn, signals (sigaction, kill, raise, masks, alarm and timers, sleeps that a signal cuts short),
 * setjmp/longjmp, the working directory and process ids. Include it first, and in one file per program: it
 * defines the `__wasm_signal` export. Signal numbers are Linux's; errno values are wasi-libc's. */
#pragma once

#ifndef __wasm__

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#else

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

/* wasi-libc's sigset_t is a one-byte placeholder (poll.h and sys/select.h have already used it): ours has a bit
 * per signal. */
#define sigset_t posix_sigset_t
typedef uint64_t posix_sigset_t;

// MARK: - The WASIX imports (../shared/docs/wasix.md §2)

#define POSIX_IMPORT(name) __attribute__((import_module("wasix_32v1"), import_name(#name)))

typedef struct { uint8_t tag; uint32_t pid; } posix_option_pid;                        /* tag 1: some */
typedef struct { uint8_t tag; uint8_t pad; uint16_t code; uint8_t signal; } posix_join_status;
typedef struct { uint64_t user, hash_low, hash_high; } posix_stack_snapshot;

/* A posix_spawn file action, as proc_spawn2 reads it (56 bytes). */
typedef struct {
    uint8_t cmd; /* 0 close, 1 dup2, 2 open, 3 chdir */
    uint32_t fd, src_fd, path, path_len, dirflags;
    uint16_t oflags;
    uint64_t rights, rights_inheriting;
    uint16_t fdflags, fdflagsext;
} posix_fd_op;
_Static_assert(sizeof(posix_fd_op) == 56, "proc_spawn2's fd_op is 56 bytes");

uint16_t posix_proc_fork(uint8_t copy_memory, uint32_t *pid) POSIX_IMPORT(proc_fork);
uint16_t posix_proc_fork_env(uint32_t *pid) POSIX_IMPORT(proc_fork_env);
void posix_proc_exit2(uint32_t code) POSIX_IMPORT(proc_exit2);
uint16_t posix_proc_join(posix_option_pid *pid, uint32_t flags, posix_join_status *status) POSIX_IMPORT(proc_join);
uint16_t posix_proc_id(uint32_t *pid) POSIX_IMPORT(proc_id);
uint16_t posix_proc_parent(uint32_t pid, uint32_t *parent) POSIX_IMPORT(proc_parent);
uint16_t posix_proc_exec3(const char *name, size_t name_len, const char *args, size_t args_len, const char *envs,
                          size_t envs_len, uint8_t search_path, const char *path, size_t path_len)
    POSIX_IMPORT(proc_exec3);
uint16_t posix_proc_spawn2(const char *name, size_t name_len, const char *args, size_t args_len, const char *envs,
                           size_t envs_len, const posix_fd_op *fd_ops, size_t fd_ops_len, const void *signals,
                           size_t signals_len, uint8_t search_path, const char *path, size_t path_len,
                           uint32_t *pid) POSIX_IMPORT(proc_spawn2);
uint16_t posix_proc_signal(uint32_t pid, uint8_t signal) POSIX_IMPORT(proc_signal);
uint16_t posix_proc_raise_interval(uint8_t signal, uint64_t interval, uint8_t repeat) POSIX_IMPORT(proc_raise_interval);
uint16_t posix_thread_signal(uint32_t tid, uint8_t signal) POSIX_IMPORT(thread_signal);
uint16_t posix_thread_id(uint32_t *tid) POSIX_IMPORT(thread_id);
uint16_t posix_thread_sleep(uint64_t nanoseconds) POSIX_IMPORT(thread_sleep);
void posix_callback_signal(const char *name, size_t length) POSIX_IMPORT(callback_signal);
uint16_t posix_fd_pipe(uint32_t *read_end, uint32_t *write_end) POSIX_IMPORT(fd_pipe);
uint16_t posix_fd_dup(uint32_t fd, uint32_t *copy) POSIX_IMPORT(fd_dup);
uint16_t posix_fd_dup2(uint32_t fd, uint32_t min_fd, uint8_t cloexec, uint32_t *copy) POSIX_IMPORT(fd_dup2);
uint16_t posix_fd_fdflags_get(uint32_t fd, uint16_t *flags) POSIX_IMPORT(fd_fdflags_get);
uint16_t posix_fd_fdflags_set(uint32_t fd, uint16_t flags) POSIX_IMPORT(fd_fdflags_set);
uint16_t posix_getcwd_import(char *buffer, uint32_t *length) POSIX_IMPORT(getcwd);
uint16_t posix_chdir_import(const char *path, size_t length) POSIX_IMPORT(chdir);
uint16_t posix_stack_checkpoint(posix_stack_snapshot *snapshot, uint64_t *value) POSIX_IMPORT(stack_checkpoint)
    __attribute__((returns_twice));
_Noreturn void posix_stack_restore(const posix_stack_snapshot *snapshot, uint64_t value) POSIX_IMPORT(stack_restore);

/* Sets errno from a WASIX errno (wasi-libc uses the same numbers) and returns -1, or returns 0. */
static inline int posix_result(uint16_t error) {
    if (error == 0) return 0;
    errno = error;
    return -1;
}

// MARK: - Processes

typedef int pid_t;

#define WNOHANG 1
#define WUNTRACED 2
#define WEXITSTATUS(s) (((s) & 0xff00) >> 8)
#define WTERMSIG(s) ((s) & 0x7f)
#define WSTOPSIG(s) WEXITSTATUS(s)
#define WIFEXITED(s) (!WTERMSIG(s))
#define WIFSTOPPED(s) ((short)((((s) & 0xffff) * 0x10001U) >> 8) > 0x7f00)
#define WIFSIGNALED(s) (((s) & 0xffff) - 1U < 0xffu)
#define WCOREDUMP(s) ((s) & 0x80)

static inline pid_t posix_getpid(void) {
    uint32_t pid = 0;
    posix_proc_id(&pid);
    return (pid_t)pid;
}
#define getpid posix_getpid

static inline pid_t getppid(void) {
    uint32_t parent = 0;
    posix_proc_parent((uint32_t)getpid(), &parent);
    return (pid_t)parent;
}

static inline pid_t fork(void) {
    uint32_t pid = 0;
    return posix_result(posix_proc_fork(1, &pid)) ? -1 : (pid_t)pid;
}

/* vfork as current wasix-libc's exception-handling builds make it: a setjmp in the caller's frame, then
 * proc_fork_env, after which this thread is the child, in the parent's memory and on its stack. The child's _exit
 * (proc_exit2) or successful exec (proc_exec3) returns, and posix_vfork_restore longjmps back to the setjmp, where
 * vfork returns the child's pid in the parent. Unlike libc's two alternating buffers, the buffers are a stack, so
 * that a vfork child may vfork again (up to POSIX_VFORK_DEPTH deep; beyond that EAGAIN). */
#define POSIX_VFORK_DEPTH 4
static posix_stack_snapshot posix_vfork_jumps[POSIX_VFORK_DEPTH];
static pid_t posix_vfork_children[POSIX_VFORK_DEPTH];
static int posix_vfork_depth; /* vfork children this thread acts as */

static inline pid_t posix_vfork_internal(uint64_t jumped) {
    if (jumped) return posix_vfork_children[posix_vfork_depth]; /* back in the parent */
    if (posix_vfork_depth == POSIX_VFORK_DEPTH) {
        errno = EAGAIN;
        return -1;
    }
    uint32_t pid = 0;
    if (posix_result(posix_proc_fork_env(&pid))) return -1;
    posix_vfork_children[posix_vfork_depth++] = (pid_t)pid;
    return 0;
}

/* The setjmp must be the caller's: vfork is a macro. */
#define vfork() \
    ({ \
        uint64_t posix_jumped_ = 0; \
        if (posix_stack_checkpoint(&posix_vfork_jumps[posix_vfork_depth], &posix_jumped_) != 0) __builtin_trap(); \
        posix_vfork_internal(posix_jumped_); \
    })

/* After the child's exit or exec: back to the parent's vfork. */
static inline _Noreturn void posix_vfork_restore(void) {
    if (posix_vfork_depth == 0) __builtin_trap();
    posix_vfork_depth--;
    posix_stack_restore(&posix_vfork_jumps[posix_vfork_depth], 1);
}

/* _exit on proc_exit2, which returns only in a vfork child, whose parent then goes on. */
static inline _Noreturn void posix_exit(int status) {
    posix_proc_exit2((uint32_t)status);
    posix_vfork_restore();
}
#define _exit posix_exit
#define _Exit posix_exit

static int posix_interrupted; /* set when a handler without SA_RESTART ran */

/* waitpid over the current proc_join: its join status becomes a wait status (exit code << 8, or the signal).
 * Any pid below 1 means any child (there are no process groups). Restarted after SA_RESTART handlers. */
static inline pid_t waitpid(pid_t pid, int *status, int options) {
    for (;;) {
        posix_option_pid which = {pid > 0 ? 1 : 0, pid > 0 ? (uint32_t)pid : 0};
        posix_join_status joined = {0};
        posix_interrupted = 0;
        uint16_t error = posix_proc_join(&which, (options & WNOHANG ? 1 : 0) | (options & WUNTRACED ? 2 : 0), &joined);
        if (error == EINTR && !posix_interrupted) continue;
        if (posix_result(error)) return -1;
        int value = 0;
        switch (joined.tag) {
        case 0: return 0; /* WNOHANG and nothing ended */
        case 1: value = (joined.code & 0xff) << 8; break;
        case 2: value = joined.signal & 0x7f; break;
        case 3: value = (joined.code & 0xff) << 8 | 0x7f; break; /* a stop: its signal is at @2 */
        }
        if (status) *status = value;
        return (pid_t)which.pid;
    }
}

static inline pid_t wait(int *status) { return waitpid(-1, status, 0); }

// MARK: - Descriptors

static inline int pipe(int ends[2]) {
    uint32_t read_end = 0, write_end = 0;
    if (posix_result(posix_fd_pipe(&read_end, &write_end))) return -1;
    ends[0] = (int)read_end, ends[1] = (int)write_end;
    return 0;
}

static inline int dup(int fd) {
    uint32_t copy = 0;
    return posix_result(posix_fd_dup((uint32_t)fd, &copy)) ? -1 : (int)copy;
}

/* dup2: onto an open `target` by renumbering a fresh copy (which closes `target`), onto a free one with fd_dup2. */
static inline int dup2(int fd, int target) {
    uint16_t flags = 0;
    if (fd == target) return posix_result(posix_fd_fdflags_get((uint32_t)fd, &flags)) ? -1 : target;
    uint32_t copy = 0;
    if (posix_fd_fdflags_get((uint32_t)target, &flags) == 0) {
        if (posix_result(posix_fd_dup((uint32_t)fd, &copy))) return -1;
        if (posix_result(__wasi_fd_renumber(copy, (uint32_t)target))) {
            close((int)copy);
            return -1;
        }
        return target;
    }
    if (posix_result(posix_fd_dup2((uint32_t)fd, (uint32_t)target, 0, &copy))) return -1;
    if (copy != (uint32_t)target) {
        close((int)copy);
        errno = EBADF;
        return -1;
    }
    return target;
}

/* O_CLOEXEC is 0 in wasi-libc (it has no exec); ours is a bit wasi-libc's open does not use. */
#undef O_CLOEXEC
#define O_CLOEXEC 0x40000000
#define F_DUPFD 0
#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC 1030
#endif

static inline int posix_open(const char *path, int flags, ...) {
    va_list arguments;
    va_start(arguments, flags);
    int mode = flags & O_CREAT ? va_arg(arguments, int) : 0;
    va_end(arguments);
    int fd = open(path, flags & ~O_CLOEXEC, mode);
    if (fd >= 0 && flags & O_CLOEXEC) posix_fd_fdflags_set((uint32_t)fd, 1);
    return fd;
}

/* fcntl with the descriptor flags (close-on-exec) and F_DUPFD that wasi-libc's lacks. */
static inline int posix_fcntl(int fd, int command, ...) {
    va_list arguments;
    va_start(arguments, command);
    int argument = va_arg(arguments, int);
    va_end(arguments);
    uint32_t copy = 0;
    uint16_t flags = 0;
    switch (command) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        return posix_result(posix_fd_dup2((uint32_t)fd, (uint32_t)argument, command == F_DUPFD_CLOEXEC, &copy))
            ? -1 : (int)copy;
    case F_GETFD:
        return posix_result(posix_fd_fdflags_get((uint32_t)fd, &flags)) ? -1 : (flags & 1 ? FD_CLOEXEC : 0);
    case F_SETFD:
        return posix_result(posix_fd_fdflags_set((uint32_t)fd, argument & FD_CLOEXEC ? 1 : 0));
    default:
        return fcntl(fd, command, argument);
    }
}

// MARK: - The working directory

/* The runtime keeps the working directory (exec and spawn pass it on); wasi-libc resolves relative paths
 * against a copy of its own, which chdir keeps in step. */
static inline char *posix_getcwd(char *buffer, size_t size) {
    char *allocated = buffer ? NULL : malloc(PATH_MAX); /* getcwd(NULL, 0) allocates, as in glibc */
    if (allocated) buffer = allocated, size = PATH_MAX;
    uint32_t length = (uint32_t)size;
    uint16_t error = buffer ? posix_getcwd_import(buffer, &length) : ENOMEM;
    if (error) {
        free(allocated);
        errno = error == __WASI_ERRNO_OVERFLOW ? ERANGE : error;
        return NULL;
    }
    return buffer;
}

/* Tells wasi-libc the runtime's working directory (it fails, harmlessly, outside every preopened directory). */
static inline void posix_follow_working_directory(void) {
    char path[PATH_MAX];
    if (posix_getcwd(path, sizeof path)) chdir(path);
}

static inline int posix_chdir(const char *path) {
    if (posix_result(posix_chdir_import(path, strlen(path)))) return -1;
    posix_follow_working_directory();
    return 0;
}

/* A program that exec or spawn started in another directory begins there in wasi-libc too. */
__attribute__((constructor)) static void posix_start_in_working_directory(void) { posix_follow_working_directory(); }

#define getcwd posix_getcwd
#define chdir posix_chdir
#define open posix_open
#define fcntl posix_fcntl

// MARK: - exec and posix_spawn

extern char **environ;

/* `list` (argv or envp) as one newline-separated string, as the exec and spawn calls take it. */
static inline char *posix_lines(char *const list[]) {
    size_t size = 1;
    for (int i = 0; list && list[i]; i++) size += strlen(list[i]) + 1;
    char *text = malloc(size), *end = text;
    for (int i = 0; list && list[i]; i++) end = stpcpy(stpcpy(end, list[i]), "\n");
    *end = 0;
    return text;
}

static inline const char *posix_search_path(void) {
    const char *path = getenv("PATH");
    return path ? path : "/bin:/usr/bin";
}

static inline int posix_exec(const char *file, char *const argv[], char *const envp[], int search) {
    char *args = posix_lines(argv), *envs = posix_lines(envp);
    const char *path = search ? posix_search_path() : "";
    uint16_t error = posix_proc_exec3(file, strlen(file), args, strlen(args), envs, strlen(envs),
                                      search && !strchr(file, '/'), path, strlen(path));
    free(args);
    free(envs);
    if (error == 0) posix_vfork_restore(); /* exec returns success only in a vfork child */
    return posix_result(error);
}

static inline int execve(const char *path, char *const argv[], char *const envp[]) {
    return posix_exec(path, argv, envp, 0);
}
static inline int execv(const char *path, char *const argv[]) { return posix_exec(path, argv, environ, 0); }
static inline int execvp(const char *file, char *const argv[]) { return posix_exec(file, argv, environ, 1); }

typedef struct {
    int count;
    posix_fd_op ops[16];
} posix_spawn_file_actions_t;
typedef struct { int flags; } posix_spawnattr_t;

static inline int posix_spawn_file_actions_init(posix_spawn_file_actions_t *actions) {
    actions->count = 0;
    return 0;
}

static inline int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *actions) {
    for (int i = 0; i < actions->count; i++) free((void *)(uintptr_t)actions->ops[i].path);
    actions->count = 0;
    return 0;
}

static inline int posix_spawn_add(posix_spawn_file_actions_t *actions, posix_fd_op op, const char *path) {
    if (actions->count == 16) return ENOMEM;
    if (path) op.path = (uint32_t)(uintptr_t)strdup(path), op.path_len = strlen(path);
    actions->ops[actions->count++] = op;
    return 0;
}

static inline int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *actions, int fd) {
    return posix_spawn_add(actions, (posix_fd_op){.cmd = 0, .fd = fd}, NULL);
}

static inline int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *actions, int fd, int target) {
    return posix_spawn_add(actions, (posix_fd_op){.cmd = 1, .fd = target, .src_fd = fd}, NULL);
}

/* wasi-libc's open flags hold the WASI oflags at bit 12, the fdflags in the low bits, and the access mode as
 * O_RDONLY and O_WRONLY bits. */
static inline int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *actions, int fd, const char *path,
                                                   int flags, mode_t mode) {
    (void)mode;
    uint64_t rights = (flags & O_RDONLY ? __WASI_RIGHTS_FD_READ : 0) | (flags & O_WRONLY ? __WASI_RIGHTS_FD_WRITE : 0);
    posix_fd_op op = {.cmd = 2, .fd = fd, .oflags = (flags >> 12) & 0xf, .rights = rights,
                      .fdflags = flags & 0x1f, .fdflagsext = flags & O_CLOEXEC ? 1 : 0};
    return posix_spawn_add(actions, op, path);
}

static inline int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_add(actions, (posix_fd_op){.cmd = 3}, path);
}

static inline int posix_spawnattr_init(posix_spawnattr_t *attributes) {
    attributes->flags = 0;
    return 0;
}
static inline int posix_spawnattr_destroy(posix_spawnattr_t *attributes) { (void)attributes; return 0; }

static inline int posix_spawn_common(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
                                     char *const argv[], char *const envp[], int search) {
    char *args = posix_lines(argv), *envs = posix_lines(envp ? envp : environ);
    const char *path = search ? posix_search_path() : "";
    uint32_t child = 0;
    uint16_t error = posix_proc_spawn2(file, strlen(file), args, strlen(args), envs, strlen(envs),
                                       actions ? actions->ops : NULL, actions ? actions->count : 0, NULL, 0,
                                       search && !strchr(file, '/'), path, strlen(path), &child);
    free(args);
    free(envs);
    if (error == 0 && pid) *pid = (pid_t)child;
    return error;
}

/* Both return an errno value rather than setting errno. */
static inline int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                              const posix_spawnattr_t *attributes, char *const argv[], char *const envp[]) {
    (void)attributes;
    return posix_spawn_common(pid, path, actions, argv, envp, 0);
}
static inline int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
                               const posix_spawnattr_t *attributes, char *const argv[], char *const envp[]) {
    (void)attributes;
    return posix_spawn_common(pid, file, actions, argv, envp, 1);
}

// MARK: - Signals

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGPOLL 29
#define SIGPWR 30
#define SIGSYS 31
#define NSIG 32

typedef int sig_atomic_t;
typedef void (*sighandler_t)(int);

/* SIG_IGN is a function of its own: on wasm a small number is a valid function pointer. */
static void posix_ignore_signal(int signal) { (void)signal; }
#define SIG_DFL ((sighandler_t)0)
#define SIG_IGN (posix_ignore_signal)
#define SIG_ERR ((sighandler_t)-1)

struct sigaction {
    sighandler_t sa_handler;
    sigset_t sa_mask;
    int sa_flags;
};
#define SA_NOCLDSTOP 1
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define POSIX_BIT(signal) ((sigset_t)1 << (signal))
#define POSIX_UNBLOCKABLE (POSIX_BIT(SIGKILL) | POSIX_BIT(SIGSTOP))

static inline int sigemptyset(sigset_t *set) { *set = 0; return 0; }
static inline int sigfillset(sigset_t *set) { *set = ~(sigset_t)1 & (POSIX_BIT(NSIG) - 1); return 0; }
static inline int posix_valid_signal(int signal) {
    if (signal > 0 && signal < NSIG) return 1;
    errno = EINVAL;
    return 0;
}
static inline int sigaddset(sigset_t *set, int signal) {
    if (!posix_valid_signal(signal)) return -1;
    *set |= POSIX_BIT(signal);
    return 0;
}
static inline int sigdelset(sigset_t *set, int signal) {
    if (!posix_valid_signal(signal)) return -1;
    *set &= ~POSIX_BIT(signal);
    return 0;
}
static inline int sigismember(const sigset_t *set, int signal) {
    return posix_valid_signal(signal) ? (*set & POSIX_BIT(signal)) != 0 : -1;
}

/* The process's signal state, in its memory (so fork copies it and exec starts afresh). The runtime calls
 * `__wasm_signal` for every signal once `callback_signal` has named it; until then it applies the default
 * actions itself. */
static struct sigaction posix_actions[NSIG];
static sigset_t posix_blocked, posix_pending;
static int posix_receiving;

/* Has the runtime deliver signals to `__wasm_signal` from now on. */
static inline void posix_receive_signals(void) {
    if (posix_receiving) return;
    posix_receiving = 1;
    posix_callback_signal("__wasm_signal", 13);
}

/* The default action of a signal that reached `__wasm_signal`: nothing for those ignored by default; for the
 * others the runtime's: it is told that no handler is named any more (an empty name) and gets the signal back.
 * A stop signal returns once SIGCONT has continued us, and the handler is named again; any other ends the
 * process by that signal (a runtime that held it instead would leave us only abort(), SIGABRT). */
static inline void posix_default_action(int signal) {
    switch (signal) {
    case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
        return;
    }
    uint32_t tid = 0;
    posix_thread_id(&tid);
    posix_callback_signal("", 0);
    posix_thread_signal(tid, (uint8_t)signal);
    if (signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU) {
        posix_callback_signal("__wasm_signal", 13);
        return;
    }
    sched_yield();
    abort();
}

static inline void posix_deliver_pending(void);

/* Runs the action for `signal`, with the signal (unless SA_NODEFER) and the action's mask blocked meanwhile. */
static inline void posix_act(int signal) {
    struct sigaction action = posix_actions[signal];
    if (action.sa_handler == SIG_IGN) return;
    if (action.sa_handler == SIG_DFL) {
        posix_default_action(signal);
        return;
    }
    if (action.sa_flags & SA_RESETHAND) posix_actions[signal].sa_handler = SIG_DFL;
    if (!(action.sa_flags & SA_RESTART)) posix_interrupted = 1;
    sigset_t saved = posix_blocked;
    posix_blocked |= (action.sa_mask | (action.sa_flags & SA_NODEFER ? 0 : POSIX_BIT(signal))) & ~POSIX_UNBLOCKABLE;
    action.sa_handler(signal);
    posix_blocked = saved;
    posix_deliver_pending();
}

/* Delivers the pending signals that are no longer blocked, lowest number first (as Linux does). */
static inline void posix_deliver_pending(void) {
    for (int signal = 1; signal < NSIG; signal++) {
        if (posix_pending & ~posix_blocked & POSIX_BIT(signal)) {
            posix_pending &= ~POSIX_BIT(signal);
            posix_act(signal);
        }
    }
}

/* The runtime's entry point for signals. */
__attribute__((export_name("__wasm_signal"))) void posix_signal_entry(int signal) {
    if (signal <= 0 || signal >= NSIG) return;
    if (posix_blocked & POSIX_BIT(signal)) {
        posix_pending |= POSIX_BIT(signal);
        return;
    }
    posix_act(signal);
}

static inline int sigaction(int signal, const struct sigaction *action, struct sigaction *old) {
    if (!posix_valid_signal(signal)) return -1;
    if (action && (signal == SIGKILL || signal == SIGSTOP)) {
        errno = EINVAL;
        return -1;
    }
    if (old) *old = posix_actions[signal];
    if (!action) return 0;
    posix_actions[signal] = *action;
    if (action->sa_handler != SIG_DFL) posix_receive_signals();
    /* A pending signal that is now ignored is discarded. */
    if (action->sa_handler == SIG_IGN) posix_pending &= ~POSIX_BIT(signal);
    return 0;
}

/* signal() has BSD semantics, as in glibc: the handler stays, interrupted calls restart. */
static inline sighandler_t signal(int signal, sighandler_t handler) {
    struct sigaction action = {.sa_handler = handler, .sa_flags = SA_RESTART}, old;
    return sigaction(signal, &action, &old) ? SIG_ERR : old.sa_handler;
}

static inline int sigprocmask(int how, const sigset_t *set, sigset_t *old) {
    if (old) *old = posix_blocked;
    if (!set) return 0;
    switch (how) {
    case SIG_BLOCK: posix_blocked |= *set; break;
    case SIG_UNBLOCK: posix_blocked &= ~*set; break;
    case SIG_SETMASK: posix_blocked = *set; break;
    default: errno = EINVAL; return -1;
    }
    posix_blocked &= ~POSIX_UNBLOCKABLE;
    /* Signals must reach us to be held back. */
    if (posix_blocked) posix_receive_signals();
    posix_deliver_pending();
    return 0;
}

static inline int sigpending(sigset_t *set) {
    *set = posix_pending;
    return 0;
}

static inline int kill(pid_t pid, int signal) {
    if (pid <= 0) {
        errno = EINVAL; /* no process groups */
        return -1;
    }
    if (signal != 0 && !posix_valid_signal(signal)) return -1;
    return posix_result(posix_proc_signal((uint32_t)pid, (uint8_t)signal));
}

static inline int raise(int signal) {
    if (!posix_valid_signal(signal)) return -1;
    uint32_t tid = 0;
    posix_thread_id(&tid);
    return posix_result(posix_thread_signal(tid, (uint8_t)signal));
}

// MARK: - Sleeping and timers

/* nanosleep on thread_sleep, which a signal cuts short with EINTR (wasi-libc's, on poll_oneoff, says ENOTSUP). */
static inline int posix_nanosleep(const struct timespec *duration, struct timespec *remaining) {
    if (duration->tv_sec < 0 || duration->tv_nsec < 0 || duration->tv_nsec >= 1000000000) {
        errno = EINVAL;
        return -1;
    }
    uint64_t wanted = (uint64_t)duration->tv_sec * 1000000000u + (uint64_t)duration->tv_nsec;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    uint16_t error = posix_thread_sleep(wanted);
    if (error == 0) return 0;
    if (remaining) {
        clock_gettime(CLOCK_MONOTONIC, &end);
        uint64_t slept = (uint64_t)(end.tv_sec - start.tv_sec) * 1000000000u + (uint64_t)(end.tv_nsec - start.tv_nsec);
        uint64_t left = slept < wanted ? wanted - slept : 0;
        remaining->tv_sec = (time_t)(left / 1000000000u), remaining->tv_nsec = (long)(left % 1000000000u);
    }
    return posix_result(error);
}

/* Returns the whole seconds not slept, rounded as glibc does. */
static inline unsigned posix_sleep(unsigned seconds) {
    struct timespec duration = {seconds, 0}, remaining = {0, 0};
    if (posix_nanosleep(&duration, &remaining) == 0) return 0;
    return (unsigned)remaining.tv_sec + (remaining.tv_nsec >= 500000000);
}

static inline int posix_usleep(unsigned microseconds) {
    struct timespec duration = {microseconds / 1000000, (long)(microseconds % 1000000) * 1000};
    return posix_nanosleep(&duration, NULL);
}

#define nanosleep posix_nanosleep
#define sleep posix_sleep
#define usleep posix_usleep

/* Waits for a signal handler to run, an hour at a time. */
static inline int pause(void) {
    while (posix_thread_sleep(3600000000000ull) != EINTR) {}
    errno = EINTR;
    return -1;
}

static inline int sigsuspend(const sigset_t *mask) {
    sigset_t saved = posix_blocked;
    sigprocmask(SIG_SETMASK, mask, NULL);
    pause();
    sigprocmask(SIG_SETMASK, &saved, NULL);
    errno = EINTR;
    return -1;
}

#define ITIMER_REAL 0
struct itimerval {
    struct timeval it_interval, it_value;
};

/* When the alarm (ITIMER_REAL) goes off, on the monotonic clock in nanoseconds; 0 when none is set. */
static uint64_t posix_alarm_deadline, posix_alarm_interval;

static inline uint64_t posix_now(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/* ITIMER_REAL on proc_raise_interval, which repeats with the first interval: it_interval is honoured only as
 * "repeat" or "once". */
static inline int setitimer(int which, const struct itimerval *value, struct itimerval *old) {
    if (which != ITIMER_REAL) {
        errno = EINVAL;
        return -1;
    }
    uint64_t now = posix_now();
    if (old) {
        uint64_t left = posix_alarm_deadline > now ? posix_alarm_deadline - now : 0;
        old->it_value = (struct timeval){(time_t)(left / 1000000000u), (suseconds_t)(left % 1000000000u / 1000)};
        old->it_interval = (struct timeval){(time_t)(posix_alarm_interval / 1000000000u),
                                            (suseconds_t)(posix_alarm_interval % 1000000000u / 1000)};
    }
    uint64_t after = (uint64_t)value->it_value.tv_sec * 1000000000u + (uint64_t)value->it_value.tv_usec * 1000u;
    uint64_t every = (uint64_t)value->it_interval.tv_sec * 1000000000u + (uint64_t)value->it_interval.tv_usec * 1000u;
    posix_alarm_deadline = after ? now + after : 0;
    posix_alarm_interval = every;
    return posix_result(posix_proc_raise_interval(SIGALRM, after, every != 0));
}

/* Returns the seconds left of the previous alarm, rounded up. */
static inline unsigned alarm(unsigned seconds) {
    struct itimerval value = {{0, 0}, {seconds, 0}}, old;
    setitimer(ITIMER_REAL, &value, &old);
    return (unsigned)old.it_value.tv_sec + (old.it_value.tv_usec > 0);
}

// MARK: - Sockets: TCP and UDP over IPv4 and IPv6

/* An __wasi_addr_port_t: tag 1 (IPv4) or 2 (IPv6), the port at 2 (written host-order, read back as big-endian
 * bytes, as wasmer does), the address octets from 4. */
typedef struct { uint8_t tag, pad; uint8_t bytes[108]; } posix_addr_port;
typedef struct { const void *buffer; size_t length; } posix_iovec;

uint16_t posix_sock_open(uint8_t af, uint8_t type, uint16_t proto, uint32_t *fd) POSIX_IMPORT(sock_open);
uint16_t posix_sock_bind(uint32_t fd, const posix_addr_port *address) POSIX_IMPORT(sock_bind);
uint16_t posix_sock_listen(uint32_t fd, uint32_t backlog) POSIX_IMPORT(sock_listen);
uint16_t posix_sock_accept_v2(uint32_t fd, uint16_t flags, uint32_t *connection, posix_addr_port *peer)
    POSIX_IMPORT(sock_accept_v2);
uint16_t posix_sock_connect(uint32_t fd, const posix_addr_port *address) POSIX_IMPORT(sock_connect);
uint16_t posix_sock_addr_local(uint32_t fd, posix_addr_port *address) POSIX_IMPORT(sock_addr_local);
uint16_t posix_sock_addr_peer(uint32_t fd, posix_addr_port *address) POSIX_IMPORT(sock_addr_peer);
uint16_t posix_sock_set_opt_flag(uint32_t fd, uint8_t option, uint8_t flag) POSIX_IMPORT(sock_set_opt_flag);
uint16_t posix_sock_send_to(uint32_t fd, const posix_iovec *iovs, size_t count, uint16_t flags,
                            const posix_addr_port *address, size_t *sent) POSIX_IMPORT(sock_send_to);
uint16_t posix_sock_recv_from(uint32_t fd, const posix_iovec *iovs, size_t count, uint16_t flags, size_t *received,
                              uint16_t *out_flags, posix_addr_port *address) POSIX_IMPORT(sock_recv_from);
uint16_t posix_resolve(const char *host, size_t host_len, uint16_t port, void *addresses, size_t count,
                       size_t *found) POSIX_IMPORT(resolve);

static inline int posix_to_wasix_address(const struct sockaddr *address, socklen_t length, posix_addr_port *out) {
    memset(out, 0, sizeof *out);
    if (address->sa_family == AF_INET && length >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
        uint16_t port = ntohs(v4->sin_port);
        out->tag = 1;
        memcpy(out->bytes, &port, 2);
        memcpy(out->bytes + 2, &v4->sin_addr, 4);
        return 0;
    }
    if (address->sa_family == AF_INET6 && length >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;
        uint16_t port = ntohs(v6->sin6_port);
        out->tag = 2;
        memcpy(out->bytes, &port, 2);
        memcpy(out->bytes + 2, &v6->sin6_addr, 16);
        return 0;
    }
    errno = EAFNOSUPPORT;
    return -1;
}

static inline void posix_from_wasix_address(const posix_addr_port *in, struct sockaddr *address, socklen_t *length) {
    if (!address || !length) return;
    union { struct sockaddr_in v4; struct sockaddr_in6 v6; } value;
    memset(&value, 0, sizeof value);
    socklen_t size = 0;
    if (in->tag == 2) {
        value.v6.sin6_family = AF_INET6;
        memcpy(&value.v6.sin6_port, in->bytes, 2);
        memcpy(&value.v6.sin6_addr, in->bytes + 2, 16);
        size = sizeof value.v6;
    } else {
        value.v4.sin_family = AF_INET;
        memcpy(&value.v4.sin_port, in->bytes, 2);
        memcpy(&value.v4.sin_addr, in->bytes + 2, 4);
        size = sizeof value.v4;
    }
    memcpy(address, &value, size < *length ? size : *length);
    *length = size;
}

/* Applies SOCK_NONBLOCK and SOCK_CLOEXEC (or their EFD_ equivalents) to a new descriptor. */
static inline int posix_new_descriptor(uint32_t fd, int flags) {
    if (flags & O_NONBLOCK) (void)__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK);
    if (flags & O_CLOEXEC) posix_fd_fdflags_set(fd, 1);
    return (int)fd;
}

#undef SOCK_CLOEXEC
#define SOCK_CLOEXEC O_CLOEXEC

static inline int socket(int domain, int type, int protocol) {
    int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    uint8_t wasix_type = kind == SOCK_STREAM ? 1 : kind == SOCK_DGRAM ? 2 : 0;
    if (wasix_type == 0) {
        errno = EPROTOTYPE;
        return -1;
    }
    uint32_t fd = 0;
    if (posix_result(posix_sock_open((uint8_t)domain, wasix_type, (uint16_t)protocol, &fd))) return -1;
    return posix_new_descriptor(fd, (type & SOCK_NONBLOCK ? O_NONBLOCK : 0) | (type & SOCK_CLOEXEC ? O_CLOEXEC : 0));
}

static inline int bind(int fd, const struct sockaddr *address, socklen_t length) {
    posix_addr_port wasix;
    if (posix_to_wasix_address(address, length, &wasix)) return -1;
    return posix_result(posix_sock_bind((uint32_t)fd, &wasix));
}

static inline int connect(int fd, const struct sockaddr *address, socklen_t length) {
    posix_addr_port wasix;
    if (posix_to_wasix_address(address, length, &wasix)) return -1;
    return posix_result(posix_sock_connect((uint32_t)fd, &wasix));
}

static inline int listen(int fd, int backlog) {
    return posix_result(posix_sock_listen((uint32_t)fd, (uint32_t)backlog));
}

static inline int posix_accept(int fd, struct sockaddr *address, socklen_t *length) {
    uint32_t connection = 0;
    posix_addr_port peer;
    if (posix_result(posix_sock_accept_v2((uint32_t)fd, 0, &connection, &peer))) return -1;
    posix_from_wasix_address(&peer, address, length);
    return (int)connection;
}
#define accept posix_accept

static inline int getsockname(int fd, struct sockaddr *address, socklen_t *length) {
    posix_addr_port wasix;
    if (posix_result(posix_sock_addr_local((uint32_t)fd, &wasix))) return -1;
    posix_from_wasix_address(&wasix, address, length);
    return 0;
}

static inline int getpeername(int fd, struct sockaddr *address, socklen_t *length) {
    posix_addr_port wasix;
    if (posix_result(posix_sock_addr_peer((uint32_t)fd, &wasix))) return -1;
    posix_from_wasix_address(&wasix, address, length);
    return 0;
}

#define TCP_NODELAY 1
#define SO_REUSEADDR 2
#define SO_BROADCAST 6
#define SO_KEEPALIVE 9
#define SO_REUSEPORT 15

/* The boolean options, as sock_set_opt_flag numbers them. */
static inline int setsockopt(int fd, int level, int name, const void *value, socklen_t length) {
    int option = level == IPPROTO_TCP && name == TCP_NODELAY ? 3
        : level != SOL_SOCKET ? 0
        : name == SO_REUSEADDR ? 2 : name == SO_REUSEPORT ? 1
        : name == SO_KEEPALIVE ? 12 : name == SO_BROADCAST ? 6 : 0;
    if (option == 0 || length < sizeof(int)) {
        errno = ENOPROTOOPT;
        return -1;
    }
    return posix_result(posix_sock_set_opt_flag((uint32_t)fd, (uint8_t)option, *(const int *)value != 0));
}

static inline ssize_t sendto(int fd, const void *buffer, size_t length, int flags, const struct sockaddr *address,
                             socklen_t address_length) {
    posix_addr_port wasix;
    if (posix_to_wasix_address(address, address_length, &wasix)) return -1;
    posix_iovec vector = {buffer, length};
    size_t sent = 0;
    (void)flags;
    return posix_result(posix_sock_send_to((uint32_t)fd, &vector, 1, 0, &wasix, &sent)) ? -1 : (ssize_t)sent;
}

static inline ssize_t recvfrom(int fd, void *buffer, size_t length, int flags, struct sockaddr *address,
                               socklen_t *address_length) {
    posix_iovec vector = {buffer, length};
    size_t received = 0;
    uint16_t out_flags = 0;
    posix_addr_port wasix;
    if (posix_result(posix_sock_recv_from((uint32_t)fd, &vector, 1, (uint16_t)flags, &received, &out_flags, &wasix)))
        return -1;
    posix_from_wasix_address(&wasix, address, address_length);
    return (ssize_t)received;
}

/* getaddrinfo over `resolve`: numeric addresses and names, a numeric service, one socket type. */
struct addrinfo {
    int ai_flags, ai_family, ai_socktype, ai_protocol;
    socklen_t ai_addrlen;
    struct sockaddr *ai_addr;
    char *ai_canonname;
    struct addrinfo *ai_next;
};
#define AI_PASSIVE 1
#define AI_NUMERICHOST 4
#define EAI_NONAME (-2)
#define EAI_FAMILY (-6)
#define EAI_MEMORY (-10)
#define EAI_SYSTEM (-11)

static inline void freeaddrinfo(struct addrinfo *list) {
    while (list) {
        struct addrinfo *next = list->ai_next;
        free(list->ai_addr);
        free(list);
        list = next;
    }
}

static inline int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                              struct addrinfo **result) {
    int family = hints ? hints->ai_family : AF_UNSPEC;
    if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) return EAI_FAMILY;
    uint16_t port = service ? (uint16_t)atoi(service) : 0;
    struct { uint8_t tag, pad; uint8_t bytes[16]; } found[16]; /* __wasi_addr_t: tag, octets from 2 */
    size_t count = 0;
    uint8_t octets[16];
    if (node && inet_pton(AF_INET, node, octets) == 1) {
        found[0].tag = 1, memcpy(found[0].bytes, octets, 4), count = 1;
    } else if (node && inet_pton(AF_INET6, node, octets) == 1) {
        found[0].tag = 2, memcpy(found[0].bytes, octets, 16), count = 1;
    } else if (!node || (hints && hints->ai_flags & AI_NUMERICHOST)) {
        return EAI_NONAME;
    } else {
        uint16_t error = posix_resolve(node, strlen(node), port, found, 16, &count);
        if (error) {
            errno = error;
            return EAI_SYSTEM;
        }
    }
    struct addrinfo *first = NULL, **link = &first;
    for (size_t i = 0; i < count; i++) {
        int entry_family = found[i].tag == 2 ? AF_INET6 : AF_INET;
        if (family != AF_UNSPEC && family != entry_family) continue;
        posix_addr_port wasix = {found[i].tag, 0, {0}};
        uint16_t network_port = htons(port);
        memcpy(wasix.bytes, &network_port, 2);
        memcpy(wasix.bytes + 2, found[i].bytes, entry_family == AF_INET6 ? 16 : 4);
        struct addrinfo *entry = calloc(1, sizeof *entry);
        socklen_t length = sizeof(struct sockaddr_in6);
        entry->ai_addr = calloc(1, length);
        posix_from_wasix_address(&wasix, entry->ai_addr, &length);
        entry->ai_addrlen = length;
        entry->ai_family = entry_family;
        entry->ai_socktype = hints ? hints->ai_socktype : 0;
        entry->ai_protocol = hints ? hints->ai_protocol : 0;
        *link = entry, link = &entry->ai_next;
    }
    *result = first;
    return first ? 0 : EAI_NONAME;
}

// MARK: - eventfd and epoll

uint16_t posix_fd_event(uint64_t initial, uint16_t flags, uint32_t *fd) POSIX_IMPORT(fd_event);
uint16_t posix_epoll_create(uint32_t *fd) POSIX_IMPORT(epoll_create);
uint16_t posix_epoll_ctl(uint32_t epfd, uint32_t op, uint32_t fd, const void *event) POSIX_IMPORT(epoll_ctl);
uint16_t posix_epoll_wait(uint32_t epfd, void *events, size_t max, uint64_t timeout, size_t *count)
    POSIX_IMPORT(epoll_wait);

#undef EFD_CLOEXEC
#define EFD_CLOEXEC O_CLOEXEC

static inline int posix_eventfd(unsigned int initial, int flags) {
    uint32_t fd = 0;
    if (posix_result(posix_fd_event(initial, flags & EFD_SEMAPHORE ? 1 : 0, &fd))) return -1;
    return posix_new_descriptor(fd, flags);
}
static inline int posix_eventfd_read(int fd, eventfd_t *value) { return read(fd, value, 8) == 8 ? 0 : -1; }
static inline int posix_eventfd_write(int fd, eventfd_t value) { return write(fd, &value, 8) == 8 ? 0 : -1; }
#define eventfd posix_eventfd
#define eventfd_read posix_eventfd_read
#define eventfd_write posix_eventfd_write

typedef union epoll_data {
    void *ptr;
    int fd;
    uint32_t u32;
    uint64_t u64;
} epoll_data_t;
struct epoll_event {
    uint32_t events;
    epoll_data_t data;
};
/* The WASIX epoll_event: events, then the data, filled as wasix-libc fills it: `fd` is the watched descriptor
 * (wasmer watches that one, not epoll_ctl's argument) and `data2` the caller's 64 bits. */
typedef struct { uint32_t events, pad, ptr, fd, data1, pad2; uint64_t data2; } posix_epoll_event;
_Static_assert(sizeof(posix_epoll_event) == 32, "the WASIX epoll_event is 32 bytes");

#define EPOLLIN 1
#define EPOLLOUT 2
#define EPOLLRDHUP 4
#define EPOLLPRI 8
#define EPOLLERR 16
#define EPOLLHUP 32
#define EPOLLET 64
#define EPOLLONESHOT 128
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLL_CLOEXEC O_CLOEXEC

static inline int epoll_create1(int flags) {
    uint32_t fd = 0;
    if (posix_result(posix_epoll_create(&fd))) return -1;
    return posix_new_descriptor(fd, flags);
}

/* Linux numbers the operations add 1, del 2, mod 3; WASIX add 0, mod 1, del 2. */
static inline int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event) {
    posix_epoll_event wasix = {.events = event ? event->events : 0, .fd = (uint32_t)fd,
                               .data2 = event ? event->data.u64 : 0};
    uint32_t wasix_op = op == EPOLL_CTL_ADD ? 0 : op == EPOLL_CTL_MOD ? 1 : 2;
    return posix_result(posix_epoll_ctl((uint32_t)epfd, wasix_op, (uint32_t)fd, &wasix));
}

/* The timeout in milliseconds, -1 for none. */
static inline int epoll_wait(int epfd, struct epoll_event *events, int max, int timeout) {
    posix_epoll_event ready[64];
    if (max > 64) max = 64;
    size_t count = 0;
    uint64_t nanoseconds = timeout < 0 ? UINT64_MAX : (uint64_t)timeout * 1000000u;
    if (posix_result(posix_epoll_wait((uint32_t)epfd, ready, (size_t)max, nanoseconds, &count))) return -1;
    for (size_t i = 0; i < count; i++) events[i].events = ready[i].events, events[i].data.u64 = ready[i].data2;
    return (int)count;
}

// MARK: - setjmp and longjmp

/* A jmp_buf is a WASIX stack snapshot. setjmp must be a macro: the checkpoint is of its caller's frame. */
typedef posix_stack_snapshot jmp_buf[1];

#define setjmp(buffer) \
    ({ \
        uint64_t posix_value_ = 0; \
        if (posix_stack_checkpoint((buffer), &posix_value_) != 0) __builtin_trap(); \
        (int)posix_value_; \
    })

static inline _Noreturn void longjmp(jmp_buf buffer, int value) { posix_stack_restore(buffer, value ? value : 1); }

#endif
