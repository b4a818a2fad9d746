/* epoll over a pipe and an eventfd (across fork); the eventfd's counter and its semaphore mode. */
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include "../wasix.h"

typedef struct { uint32_t events, pad; uint64_t data[3]; } epoll_event; /* 32 bytes */

int main(void) {
    uint32_t ends[2], event, semaphore, epoll;
    fd_pipe(&ends[0], &ends[1]);
    fd_event(0, 0, &event);
    fd_event(3, 1, &semaphore);
    epoll_create(&epoll);
    epoll_event interest = {1, 0, {111, 0, 0}};
    printf("add pipe: %u\n", epoll_ctl(epoll, 0, ends[0], &interest));
    interest.data[0] = 222;
    printf("add eventfd: %u\n", epoll_ctl(epoll, 0, event, &interest));
    printf("add again: %u\n", epoll_ctl(epoll, 0, event, &interest));
    epoll_event ready[4];
    size_t count = 9;
    epoll_wait(epoll, ready, 4, 0, &count);
    printf("nothing ready: %zu\n", count);

    fflush(stdout);
    uint32_t pid = fork_or_die();
    if (pid == 0) {
        usleep(20000);
        uint64_t add = 5;
        write(event, &add, 8);
        return 0;
    }
    epoll_wait(epoll, ready, 4, UINT64_MAX, &count);
    printf("after the child's write: %zu ready, data %llu\n", count, (unsigned long long)ready[0].data[0]);
    uint64_t value = 0;
    read(event, &value, 8);
    printf("eventfd counter: %llu\n", (unsigned long long)value);
    join(pid);

    write(ends[1], "x", 1);
    epoll_wait(epoll, ready, 4, 1000000000, &count);
    printf("after writing the pipe: %zu ready, data %llu\n", count, (unsigned long long)ready[0].data[0]);
    printf("delete: %u, delete again: %u\n", epoll_ctl(epoll, 2, ends[0], 0), epoll_ctl(epoll, 2, ends[0], 0));
    epoll_wait(epoll, ready, 4, 0, &count);
    printf("then ready: %zu\n", count);

    uint64_t one = 0, two = 0;
    read(semaphore, &one, 8);
    read(semaphore, &two, 8);
    printf("semaphore reads: %llu %llu\n", (unsigned long long)one, (unsigned long long)two);
    return 0;
}
