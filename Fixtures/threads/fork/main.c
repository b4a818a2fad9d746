/* Fork from a process with two threads: the child has only the calling thread (tid 1 in the child), its own
 * copy of memory, and may spawn threads of its own; the parent's worker goes on. */
#include "../runtime.h"

static uint32_t stop, ticks;

static __attribute__((noinline)) void work(void) {
    while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST)) {
        __atomic_fetch_add(&ticks, 1, __ATOMIC_SEQ_CST);
        thread_sleep(1000000);
    }
}

EXPORT(wasi_thread_start) void wasi_thread_start(uint32_t tid, void *unused) {
    use_stack_of(tid);
    work();
}

EXPORT(_start) void _start(void) {
    uint32_t worker;
    thread_spawn_v2(0, &worker);
    while (__atomic_load_n(&ticks, __ATOMIC_SEQ_CST) == 0) thread_sleep(1000000);
    uint32_t pid;
    proc_fork(1, &pid);
    if (pid == 0) {
        uint32_t self;
        thread_id(&self);
        uint32_t before = __atomic_load_n(&ticks, __ATOMIC_SEQ_CST);
        thread_sleep(20000000);
        /* Nobody ticks in the child; stopping its copy of the flag does not stop the parent's worker. */
        int frozen = __atomic_load_n(&ticks, __ATOMIC_SEQ_CST) == before;
        __atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
        uint32_t helper;
        thread_spawn_v2(0, &helper);
        thread_join(helper);
        print("child: thread id ");
        print_number(self);
        print(frozen ? ", the worker was not copied\n" : ", a worker runs in the child!\n");
        proc_exit(4);
    }
    int32_t child = (int32_t)pid;
    uint32_t status;
    proc_join(&child, &status); /* a POSIX wait status: the exit code is its second byte */
    uint32_t before = __atomic_load_n(&ticks, __ATOMIC_SEQ_CST);
    thread_sleep(20000000);
    print("parent: child exited with ");
    print_number(status >> 8 & 0xff);
    print(__atomic_load_n(&ticks, __ATOMIC_SEQ_CST) > before ? ", the worker still runs\n" : ", the worker stopped!\n");
    __atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
    thread_join(worker);
}
