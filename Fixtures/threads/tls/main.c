/* The 2022 thread-local storage: per-thread values of one key, destructors run as each thread ends. */
#include "../runtime.h"

static uint32_t key;
static uint64_t destroyed_sum, destroyed_count;

EXPORT(_thread_local_destroy) void destroy(uint32_t user_low, uint32_t user_high, uint32_t value_low, uint32_t value_high) {
    __atomic_fetch_add(&destroyed_sum, ((uint64_t)value_high << 32 | value_low) + user_low, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&destroyed_count, 1, __ATOMIC_SEQ_CST);
}

static __attribute__((noinline)) void work(uint32_t tid) {
    uint64_t before = 99;
    thread_local_get(key, &before);
    thread_local_set(key, (uint64_t)tid << 32 | tid);
    uint64_t after = 0;
    thread_local_get(key, &after);
    if (before != 0 || after != ((uint64_t)tid << 32 | tid)) proc_exit(1);
}

EXPORT(wasi_thread_start) void wasi_thread_start(uint32_t tid, void *unused) {
    use_stack_of(tid);
    work(tid);
}

EXPORT(_start) void _start(void) {
    thread_local_create(1000, &key);
    thread_local_set(key, 7);
    uint32_t tids[3];
    for (int i = 0; i < 3; i++) thread_spawn_v2(0, &tids[i]);
    for (int i = 0; i < 3; i++) thread_join(tids[i]);
    uint64_t mine = 0;
    thread_local_get(key, &mine);
    print("main's value ");
    print_number(mine);
    print(", destructors run ");
    print_number(destroyed_count);
    print(", their sum ");
    print_number(destroyed_sum);
    print("\n");
}
