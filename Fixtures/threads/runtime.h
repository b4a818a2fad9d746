/* A freestanding runtime for the thread fixtures: Debian's wasi-libc cannot link into shared memory, so these
 * programs declare their imports by hand, print with fd_write and give each thread a stack of its own. */
#pragma once
#include <stdint.h>

#define IMPORT(module, name) __attribute__((import_module(#module), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))

typedef struct { const void *buffer; uint32_t length; } ciovec;
typedef struct { uint8_t tag; uint64_t value; } option_timestamp; /* tag@0, value@8 */

uint16_t fd_write(uint32_t fd, const ciovec *iovs, uint32_t count, uint32_t *written) IMPORT(wasi_snapshot_preview1, fd_write);
_Noreturn void proc_exit(uint32_t code) IMPORT(wasi_snapshot_preview1, proc_exit);
uint16_t thread_spawn_v2(void *start, uint32_t *tid) IMPORT(wasix_32v1, thread_spawn_v2);
uint16_t thread_spawn_2022(uint64_t user_data, uint64_t stack_base, uint64_t stack_start, uint8_t reactor,
                           uint32_t *tid) IMPORT(wasix_32v1, thread_spawn);
int32_t wasi_thread_spawn(void *start_arg) IMPORT(wasi, thread-spawn);
uint16_t thread_join(uint32_t tid) IMPORT(wasix_32v1, thread_join);
_Noreturn void thread_exit(uint32_t code) IMPORT(wasix_32v1, thread_exit);
uint16_t thread_id(uint32_t *tid) IMPORT(wasix_32v1, thread_id);
uint16_t thread_sleep(uint64_t nanoseconds) IMPORT(wasix_32v1, thread_sleep);
uint16_t thread_signal(uint32_t tid, uint8_t signal) IMPORT(wasix_32v1, thread_signal);
void callback_signal(const char *name, uint32_t length) IMPORT(wasix_32v1, callback_signal);
uint16_t futex_wait(uint32_t *address, uint32_t expected, const option_timestamp *timeout, uint8_t *woken) IMPORT(wasix_32v1, futex_wait);
uint16_t futex_wake(uint32_t *address, uint8_t *woken) IMPORT(wasix_32v1, futex_wake);
uint16_t futex_wake_all(uint32_t *address, uint8_t *woken) IMPORT(wasix_32v1, futex_wake_all);
uint16_t thread_local_create(uint64_t user_data, uint32_t *key) IMPORT(wasix_32v1, thread_local_create);
uint16_t thread_local_set(uint32_t key, uint64_t value) IMPORT(wasix_32v1, thread_local_set);
uint16_t thread_local_get(uint32_t key, uint64_t *value) IMPORT(wasix_32v1, thread_local_get);
uint16_t proc_fork(uint8_t copy_memory, uint32_t *pid) IMPORT(wasix_32v1, proc_fork);
uint16_t proc_join(int32_t *pid, uint32_t *exit_code) IMPORT(wasix_32v1, proc_join);

void *memset(void *target, int value, unsigned long count) {
    for (unsigned long i = 0; i < count; i++) ((uint8_t *)target)[i] = (uint8_t)value;
    return target;
}

void *memcpy(void *target, const void *source, unsigned long count) {
    for (unsigned long i = 0; i < count; i++) ((uint8_t *)target)[i] = ((const uint8_t *)source)[i];
    return target;
}

static inline void print(const char *text) {
    uint32_t length = 0, written;
    while (text[length]) length++;
    ciovec iov = {text, length};
    fd_write(1, &iov, 1, &written);
}

static inline void print_number(uint64_t value) {
    char digits[24];
    int at = 23;
    digits[at] = 0;
    do digits[--at] = '0' + value % 10; while (value /= 10);
    print(digits + at);
}

/* Each thread runs on a stack of its own: the entry export sets __stack_pointer, then calls the work. */
#define STACK_SIZE 16384
static uint8_t stacks[16][STACK_SIZE] __attribute__((aligned(16)));

static inline void use_stack_of(uint32_t tid) {
    void *top = stacks[tid % 16] + STACK_SIZE;
    __asm__ volatile(".globaltype __stack_pointer, i32\n\tlocal.get %0\n\tglobal.set __stack_pointer" : : "r"(top));
}

/* A futex-based mutex and condition variable. */
static const option_timestamp no_timeout = {0, 0};
static inline void lock(uint32_t *mutex) {
    uint8_t woken;
    while (__atomic_exchange_n(mutex, 1, __ATOMIC_SEQ_CST) != 0) futex_wait(mutex, 1, &no_timeout, &woken);
}

static inline void unlock(uint32_t *mutex) {
    uint8_t woken;
    __atomic_store_n(mutex, 0, __ATOMIC_SEQ_CST);
    futex_wake(mutex, &woken);
}

static inline void wait_condition(uint32_t *sequence, uint32_t *mutex) {
    uint8_t woken;
    uint32_t seen = __atomic_load_n(sequence, __ATOMIC_SEQ_CST);
    unlock(mutex);
    futex_wait(sequence, seen, &no_timeout, &woken);
    lock(mutex);
}

static inline void signal_condition(uint32_t *sequence) {
    uint8_t woken;
    __atomic_fetch_add(sequence, 1, __ATOMIC_SEQ_CST);
    futex_wake_all(sequence, &woken);
}
