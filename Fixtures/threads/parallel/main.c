/* CPU-bound work split over N threads (the benchmark Scripts/parallel-speedup.sh runs it with 1 and 2):
 * `run(threads)` returns a checksum that does not depend on N. As a fixture, `_start` checks that. */
#include "../runtime.h"

static uint32_t work = 40000000u, share, results[16];

static __attribute__((noinline)) uint32_t mix(uint32_t first, uint32_t count) {
    uint32_t sum = 0;
    for (uint32_t i = first; i < first + count; i++) {
        uint32_t x = i * 2654435761u;
        x ^= x >> 15;
        sum += x * 2246822519u;
    }
    return sum;
}

EXPORT(wasi_thread_start) void wasi_thread_start(uint32_t tid, void *index) {
    use_stack_of(tid);
    uint32_t i = (uint32_t)index;
    results[i] = mix(i * share, share);
}

EXPORT(run) uint32_t run(uint32_t threads) {
    if (threads < 1 || threads > 8) return 0;
    share = work / threads;
    uint32_t tids[8];
    for (uint32_t i = 1; i < threads; i++) thread_spawn_v2((void *)i, &tids[i]);
    results[0] = mix(0, share);
    uint32_t sum = results[0];
    for (uint32_t i = 1; i < threads; i++) {
        thread_join(tids[i]);
        sum += results[i];
    }
    return sum;
}

EXPORT(_start) void _start(void) {
    work = 400000;
    uint32_t one = run(1), two = run(2), four = run(4);
    print(one == two && two == four ? "the same checksum with 1, 2 and 4 threads\n" : "checksums differ\n");
}
