/* What a fork costs, for Benchmarks/fork.sh: the same source runs natively (gcc) and in wasix-run.
 *
 *   fork-cost fork MB N [KB]      fill MB MiB, then N times: write KB KiB (one byte a page), fork, let the
 *                                 child read one byte and exit, and join; prints the median microseconds a fork
 *   fork-cost exec MB N PROGRAM   as fork, but the child execs PROGRAM (`fork-cost noop`)
 *   fork-cost children MB K TOUCH fill MB MiB, fork K children that each write TOUCH MiB of their own, wait
 *                                 until all have, and read the whole block again while they live (so that the
 *                                 parent's pages are mapped at the peak); peak RSS is measured from outside
 *   fork-cost noop                exit 0 at once (the program exec'd) */
#include "../../Fixtures/wasix/posix.h"

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static char *filled(size_t megabytes) {
    size_t size = megabytes << 20;
    char *block = malloc(size ? size : 1);
    if (!block) exit(2);
    memset(block, 1, size);
    return block;
}

static int forks(size_t megabytes, int count, size_t dirty_kb, const char *program) {
    char *block = filled(megabytes);
    size_t size = megabytes << 20;
    double times[1000];
    if (count > 1000) count = 1000;
    for (int i = 0; i < count; i++) {
        for (size_t at = 0; size && at < dirty_kb << 10; at += 4096) block[at % size]++;
        double start = now_us();
        pid_t pid = fork();
        if (pid < 0) return 3;
        if (pid == 0) {
            if (program) {
                char *argv[] = {(char *)program, "noop", NULL};
                execv(program, argv);
                _exit(4);
            }
            _exit(block[size / 2] == 1 ? 0 : 5);
        }
        int status;
        if (waitpid(pid, &status, 0) != pid || status != 0) return 6;
        times[i] = now_us() - start;
    }
    qsort(times, count, sizeof times[0], by_value);
    printf("%.0f\n", times[count / 2]);
    return 0;
}

static int children(size_t megabytes, int count, size_t touch) {
    char *block = filled(megabytes);
    int ready[2];
    if (pipe(ready) != 0) return 3;
    pid_t pids[100];
    if (count > 100) count = 100;
    for (int i = 0; i < count; i++) {
        pids[i] = fork();
        if (pids[i] < 0) return 3;
        if (pids[i] == 0) {
            char *own = malloc(touch << 20);
            if (!own) _exit(2);
            memset(own, i + 1, touch << 20);
            /* Read back, so that the compiler keeps the writes. */
            char sum = 0;
            for (size_t at = 0; at < touch << 20; at += 4096) sum += own[at];
            (void)!write(ready[1], &sum, 1);
            for (;;) pause();
        }
    }
    for (int i = 0; i < count; i++) {
        char byte;
        if (read(ready[0], &byte, 1) != 1) return 4;
    }
    long sum = 0;
    for (size_t at = 0; at < megabytes << 20; at += 4096) sum += block[at];
    for (int i = 0; i < count; i++) {
        kill(pids[i], SIGTERM);
        waitpid(pids[i], NULL, 0);
    }
    printf("%d children of %zu MiB wrote %zu MiB each (%ld)\n", count, megabytes, touch, sum);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "noop")) return 0;
    if (argc < 4) {
        fprintf(stderr, "usage: fork-cost fork|exec|children MB N [KB|PROGRAM|TOUCH]\n");
        return 1;
    }
    size_t megabytes = strtoul(argv[2], NULL, 10);
    int count = atoi(argv[3]);
    if (!strcmp(argv[1], "fork")) return forks(megabytes, count, argc > 4 ? strtoul(argv[4], NULL, 10) : 0, NULL);
    if (!strcmp(argv[1], "exec") && argc > 4) return forks(megabytes, count, 0, argv[4]);
    if (!strcmp(argv[1], "children")) return children(megabytes, count, argc > 4 ? strtoul(argv[4], NULL, 10) : 1);
    return 1;
}
