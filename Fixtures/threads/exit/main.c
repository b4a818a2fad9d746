/* proc_exit from a thread ends the whole process, with the main thread blocked in a futex wait; thread_exit
 * ends only its thread. */
#include "../runtime.h"

static uint32_t never;

static __attribute__((noinline)) void work(uint32_t role) {
    if (role == 1) thread_exit(3);
    thread_sleep(20000000);
    print("a thread calls proc_exit(9)\n");
    proc_exit(9);
}

EXPORT(wasi_thread_start) void wasi_thread_start(uint32_t tid, void *role) {
    use_stack_of(tid);
    work((uint32_t)role);
}

EXPORT(_start) void _start(void) {
    uint32_t tid;
    thread_spawn_v2((void *)1, &tid);
    thread_join(tid);
    print("thread_exit ended thread ");
    print_number(tid);
    print(" alone\n");
    thread_spawn_v2((void *)2, &tid);
    uint8_t woken;
    for (;;) futex_wait(&never, 0, &no_timeout, &woken);
}
