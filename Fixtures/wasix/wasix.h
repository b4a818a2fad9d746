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

/* Sockets. An addr_port is tag u8@0 (1 inet4, 2 inet6), port @2, address octets @4; the port goes in as a
 * host-order u16 and comes back as big-endian bytes (wasmer's convention, which wasix-libc follows). */
typedef struct { uint8_t tag, pad; uint8_t bytes[18]; } addr_port;
uint16_t sock_open(uint8_t af, uint8_t type, uint16_t proto, uint32_t *fd) WASIX(sock_open);
uint16_t sock_bind(uint32_t fd, const addr_port *addr) WASIX(sock_bind);
uint16_t sock_listen(uint32_t fd, uint32_t backlog) WASIX(sock_listen);
uint16_t sock_accept_v2(uint32_t fd, uint16_t flags, uint32_t *new_fd, addr_port *peer) WASIX(sock_accept_v2);
uint16_t sock_connect(uint32_t fd, const addr_port *addr) WASIX(sock_connect);
uint16_t sock_addr_local(uint32_t fd, addr_port *addr) WASIX(sock_addr_local);
uint16_t sock_addr_peer(uint32_t fd, addr_port *addr) WASIX(sock_addr_peer);
uint16_t sock_set_opt_flag(uint32_t fd, uint8_t option, uint8_t flag) WASIX(sock_set_opt_flag);
uint16_t sock_send_to(uint32_t fd, const void *iovs, size_t count, uint16_t flags, const addr_port *addr,
                      size_t *sent) WASIX(sock_send_to);
uint16_t sock_recv_from(uint32_t fd, const void *iovs, size_t count, uint16_t flags, size_t *received,
                        uint16_t *out_flags, addr_port *addr) WASIX(sock_recv_from);
uint16_t resolve(const char *host, size_t host_len, uint16_t port, void *addrs, size_t count, size_t *found)
    WASIX(resolve);
uint16_t fd_event(uint64_t initial, uint16_t flags, uint32_t *fd) WASIX(fd_event);
uint16_t epoll_create(uint32_t *fd) WASIX(epoll_create);
uint16_t epoll_ctl(uint32_t epfd, uint32_t op, uint32_t fd, const void *event) WASIX(epoll_ctl);
uint16_t epoll_wait(uint32_t epfd, void *events, size_t max, uint64_t timeout, size_t *count) WASIX(epoll_wait);

static inline addr_port ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
    addr_port address = {1, 0, {0}};
    memcpy(address.bytes, &port, 2);
    address.bytes[2] = a, address.bytes[3] = b, address.bytes[4] = c, address.bytes[5] = d;
    return address;
}

/* The port of an address the runtime wrote. */
static inline uint16_t port_of(const addr_port *address) {
    return (uint16_t)(address->bytes[0] << 8 | address->bytes[1]);
}
