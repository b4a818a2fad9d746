/* A producer and a consumer thread share a bounded buffer through a futex mutex and condition variable. */
#include "../runtime.h"

#define COUNT 10000
static uint32_t mutex, changed;
static uint32_t buffer[8], head, tail;
static uint64_t sum;

static __attribute__((noinline)) void produce(void) {
    for (uint32_t value = 1; value <= COUNT; value++) {
        lock(&mutex);
        while (head - tail == 8) wait_condition(&changed, &mutex);
        buffer[head++ % 8] = value;
        signal_condition(&changed);
        unlock(&mutex);
    }
}

static __attribute__((noinline)) void consume(void) {
    for (uint32_t count = 0; count < COUNT; count++) {
        lock(&mutex);
        while (head == tail) wait_condition(&changed, &mutex);
        sum += buffer[tail++ % 8];
        signal_condition(&changed);
        unlock(&mutex);
    }
}

EXPORT(wasi_thread_start) void wasi_thread_start(uint32_t tid, void *role) {
    use_stack_of(tid);
    if (role) produce(); else consume();
}

EXPORT(_start) void _start(void) {
    uint32_t consumer, producer;
    thread_spawn_v2(0, &consumer);
    thread_spawn_v2((void *)1, &producer);
    thread_join(producer);
    thread_join(consumer);
    print("consumed the sum of 1..");
    print_number(COUNT);
    print(": ");
    print_number(sum);
    print("\n");
}
