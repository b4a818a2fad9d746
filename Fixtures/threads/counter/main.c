/* Threads started by all three spawn calls each add 1 atomically a million times; the total is exact. */
#include "../runtime.h"

#define ADDS 1000000
static uint64_t counter;
static uint32_t finished;

static __attribute__((noinline)) void work(void) {
    for (int i = 0; i < ADDS; i++) __atomic_fetch_add(&counter, 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&finished, 1, __ATOMIC_SEQ_CST);
}

EXPORT(wasi_thread_start) void wasi_thread_start(uint32_t tid, void *start) {
    use_stack_of(tid);
    work();
}

EXPORT(_start_thread) void start_thread(uint32_t low, uint32_t high) {
    use_stack_of(low);
    work();
}

static uint8_t start_records[64];

EXPORT(_start) void _start(void) {
    uint32_t tids[4];
    thread_spawn_v2(start_records, &tids[0]);
    thread_spawn_v2(start_records, &tids[1]);
    tids[2] = (uint32_t)wasi_thread_spawn(start_records);
    /* The 2022 form passes user data; here the tid it will get, so the thread can pick its stack. */
    thread_spawn_2022(5, 0, 0, 0, &tids[3]);
    for (int i = 0; i < 4; i++) thread_join(tids[i]);
    print("threads ");
    for (int i = 0; i < 4; i++) {
        print_number(tids[i]);
        print(i < 3 ? " " : "");
    }
    print(" finished: ");
    print_number(finished);
    print(", counter ");
    print_number(counter);
    print("\n");
}
