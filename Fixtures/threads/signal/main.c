/* thread_signal delivers on the thread it names: the handler runs in that thread (it reads its own id). */
#include "../runtime.h"

static uint32_t stop, handled_by, ready;

EXPORT(__wasm_signal) void on_signal(uint32_t signal) {
    uint32_t self;
    thread_id(&self);
    __atomic_store_n(&handled_by, self * 100 + signal, __ATOMIC_SEQ_CST);
}

static __attribute__((noinline)) void work(void) {
    __atomic_store_n(&ready, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST)) thread_sleep(1000000);
}

EXPORT(wasi_thread_start) void wasi_thread_start(uint32_t tid, void *unused) {
    use_stack_of(tid);
    work();
}

EXPORT(_start) void _start(void) {
    callback_signal("__wasm_signal", 13);
    uint32_t worker;
    thread_spawn_v2(0, &worker);
    while (!__atomic_load_n(&ready, __ATOMIC_SEQ_CST)) thread_sleep(1000000);
    thread_signal(worker, 10);
    while (!__atomic_load_n(&handled_by, __ATOMIC_SEQ_CST)) thread_sleep(1000000);
    __atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
    thread_join(worker);
    print("SIGUSR1 handled by thread ");
    print_number(handled_by / 100);
    print(", signal ");
    print_number(handled_by % 100);
    print("\n");
}
