// Clocks: realtime is after 2020, monotonic and process CPU time advance, sleeping waits at least as asked.
#include <stdio.h>
#include <time.h>

static double seconds(clockid_t clock) {
    struct timespec t;
    if (clock_gettime(clock, &t) != 0) return -1;
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void) {
    printf("realtime after 2020: %d\n", seconds(CLOCK_REALTIME) > 1577836800.0);
    double start = seconds(CLOCK_MONOTONIC);
    double cpuStart = seconds(CLOCK_PROCESS_CPUTIME_ID);
    volatile unsigned long sum = 0;
    for (unsigned long i = 0; i < 2000000; i++) sum += i;
    if (sum == 1) printf("unlikely\n");
    double cpuEnd = seconds(CLOCK_PROCESS_CPUTIME_ID);
    printf("process cpu time advances: %d\n", cpuEnd > cpuStart);
    struct timespec nap = {0, 20 * 1000 * 1000};
    nanosleep(&nap, NULL);
    double slept = seconds(CLOCK_MONOTONIC) - start;
    printf("monotonic advanced by at least 20ms: %d\n", slept >= 0.020);
    struct timespec resolution;
    printf("resolution known: %d\n", clock_getres(CLOCK_MONOTONIC, &resolution) == 0);
    return 0;
}
