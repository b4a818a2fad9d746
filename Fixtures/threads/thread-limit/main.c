/* Spawning threads that wait ends with EAGAIN at --max-threads (the main thread counts); the waiting threads are
 * then released and joined. */
#include "../runtime.h"

static uint32_t release;

static __attribute__((noinline)) void work(void) {
    uint8_t woken;
    while (!__atomic_load_n(&release, __ATOMIC_SEQ_CST)) futex_wait(&release, 0, &no_timeout, &woken);
}

EXPORT(wasi_thread_start) void wasi_thread_start(uint32_t tid, void *unused) {
    use_stack_of(tid);
    work();
}

EXPORT(_start) void _start(void) {
    uint32_t tids[16];
    uint16_t error = 0;
    int spawned = 0;
    while (spawned < 16 && (error = thread_spawn_v2(0, &tids[spawned])) == 0) spawned++;
    print("spawned ");
    print_number(spawned);
    print(" threads, then errno ");
    print_number(error);
    print("\n");
    uint8_t woken;
    __atomic_store_n(&release, 1, __ATOMIC_SEQ_CST);
    futex_wake_all(&release, &woken);
    for (int i = 0; i < spawned; i++) thread_join(tids[i]);
    print("all joined\n");
}
