/* A trap in one thread ends the process (status 134) with an error message, while the main thread waits. */
#include "../runtime.h"

static uint32_t never;

static __attribute__((noinline)) void work(void) {
    print("a thread traps\n");
    __builtin_trap();
}

EXPORT(wasi_thread_start) void wasi_thread_start(uint32_t tid, void *unused) {
    use_stack_of(tid);
    work();
}

EXPORT(_start) void _start(void) {
    uint32_t tid;
    thread_spawn_v2(0, &tid);
    uint8_t woken;
    for (;;) futex_wait(&never, 0, &no_timeout, &woken);
}
