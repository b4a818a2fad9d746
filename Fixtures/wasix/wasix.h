/* WASIX imports that wasi-libc lacks, declared by hand (see ../shared/docs/wasix.md for the ABI). */
#pragma once
#include <stdint.h>
#include <string.h>

#define WASIX(name) __attribute__((import_module("wasix_32v1"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))

typedef struct { uint8_t tag; uint32_t pid; } option_pid;                      /* 8 bytes */
typedef struct { uint8_t tag; uint8_t pad; uint16_t code; uint8_t signal; } join_status; /* 6 bytes */
typedef struct { uint64_t user, hash_low, hash_high; } stack_snapshot;         /* jmp_buf */

uint16_t proc_fork(uint8_t copy_memory, uint32_t *pid) WASIX(proc_fork);
uint16_t proc_join_old(int32_t *pid, uint32_t *exit_code) WASIX(proc_join);
uint16_t proc_join_new(option_pid *pid, uint32_t flags, join_status *status) WASIX(proc_join);
uint16_t proc_id(uint32_t *pid) WASIX(proc_id);
uint16_t proc_parent(uint32_t pid, uint32_t *parent) WASIX(proc_parent);
_Noreturn void proc_exec(const char *name, size_t name_len, const char *args, size_t args_len) WASIX(proc_exec);
uint16_t proc_exec3(const char *name, size_t name_len, const char *args, size_t args_len, const char *envs,
                    size_t envs_len, uint8_t search_path, const char *path, size_t path_len) WASIX(proc_exec3);
uint16_t proc_spawn2(const char *name, size_t name_len, const char *args, size_t args_len, const char *envs,
                     size_t envs_len, const void *fd_ops, size_t fd_ops_len, const void *signals,
                     size_t signals_len, uint8_t search_path, const char *path, size_t path_len,
                     uint32_t *pid) WASIX(proc_spawn2);
uint16_t path_open2(uint32_t fd, uint32_t dirflags, const char *path, size_t path_len, uint16_t oflags,
                    uint64_t rights_base, uint64_t rights_inheriting, uint16_t fdflags, uint16_t fdflagsext,
                    uint32_t *opened) WASIX(path_open2);
uint16_t fd_pipe(uint32_t *fd0, uint32_t *fd1) WASIX(fd_pipe);
uint16_t fd_dup(uint32_t fd, uint32_t *new_fd) WASIX(fd_dup);
uint16_t fd_dup2(uint32_t fd, uint32_t min_fd, uint8_t cloexec, uint32_t *new_fd) WASIX(fd_dup2);
uint16_t fd_fdflags_get(uint32_t fd, uint16_t *flags) WASIX(fd_fdflags_get);
uint16_t fd_fdflags_set(uint32_t fd, uint16_t flags) WASIX(fd_fdflags_set);
uint16_t wasix_getcwd(char *buffer, uint32_t *length) WASIX(getcwd);
uint16_t wasix_chdir(const char *path, size_t length) WASIX(chdir);
void callback_signal(const char *name, size_t length) WASIX(callback_signal);
uint16_t proc_signal(uint32_t pid, uint8_t signal) WASIX(proc_signal);
uint16_t thread_signal(uint32_t tid, uint8_t signal) WASIX(thread_signal);
uint16_t thread_id(uint32_t *tid) WASIX(thread_id);
uint16_t thread_sleep(uint64_t nanoseconds) WASIX(thread_sleep);
uint16_t proc_raise_interval(uint8_t signal, uint64_t interval, uint8_t repeat) WASIX(proc_raise_interval);
uint16_t stack_checkpoint(stack_snapshot *snapshot, uint64_t *value) WASIX(stack_checkpoint);
_Noreturn void stack_restore(const stack_snapshot *snapshot, uint64_t value) WASIX(stack_restore);

/* setjmp/longjmp as wasix-libc builds them on the two stack calls. */
#define SETJMP(buffer) ({ uint64_t value_ = 0; stack_checkpoint(&(buffer), &value_); (int)value_; })
#define LONGJMP(buffer, value) stack_restore(&(buffer), (value))

static inline uint32_t fork_or_die(void) {
    uint32_t pid = 0;
    if (proc_fork(1, &pid) != 0) __builtin_trap();
    return pid;
}

/* Waits for `pid` (-1: any child) with the 2022 call; returns its exit code. */
static inline uint32_t join(int32_t pid) {
    uint32_t code = 0;
    if (proc_join_old(&pid, &code) != 0) return 0xFFFF;
    return code;
}

#define SIGINT 2
#define SIGKILL 9
#define SIGUSR1 10
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
