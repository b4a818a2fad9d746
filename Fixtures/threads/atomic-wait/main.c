/* memory.atomic.wait32/notify and the futex calls share their waiters: a wasm wait is woken by futex_wake_all,
 * and a futex_wait by memory.atomic.notify. */
#include "../runtime.h"

static uint32_t first, second;

static __attribute__((noinline)) void work(void) {
    thread_sleep(20000000);
    __atomic_store_n(&first, 1, __ATOMIC_SEQ_CST);
    uint8_t woken;
    futex_wake_all(&first, &woken);
    futex_wait(&second, 0, &no_timeout, &woken);
}

EXPORT(wasi_thread_start) void wasi_thread_start(uint32_t tid, void *unused) {
    use_stack_of(tid);
    work();
}

EXPORT(_start) void _start(void) {
    uint32_t tid;
    thread_spawn_v2(0, &tid);
    /* If futex_wake_all did not wake wasm waiters, this would wait forever (the worker sets the value after a
     * pause, so the wait has begun by then). */
    while (__atomic_load_n(&first, __ATOMIC_SEQ_CST) == 0) __builtin_wasm_memory_atomic_wait32((int *)&first, 0, -1);
    print("memory.atomic.wait32 woken by futex_wake_all\n");
    /* Wake the worker's futex_wait with memory.atomic.notify until it has been woken. */
    while (__builtin_wasm_memory_atomic_notify((int *)&second, 1) == 0) thread_sleep(1000000);
    thread_join(tid);
    print("futex_wait woken by memory.atomic.notify\n");
}
