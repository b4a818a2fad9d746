/* epoll over a pipe and an eventfd (written by a forked child), adding twice (EEXIST), deleting twice (ENOENT);
 * the eventfd's counter, its semaphore mode and EAGAIN without blocking; edge-triggered and one-shot interest,
 * and a regular file, which epoll refuses (EPERM). */
#include "../posix.h"
#include "../fixture.h"

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);
    int ends[2];
    pipe(ends);
    int event = eventfd(0, 0), semaphore = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK), epoll = epoll_create1(0);
    struct epoll_event interest = {.events = EPOLLIN, .data.u64 = 111};
    int result = epoll_ctl(epoll, EPOLL_CTL_ADD, ends[0], &interest);
    printf("add pipe: %d\n", result);
    interest.data.u64 = 222;
    result = epoll_ctl(epoll, EPOLL_CTL_ADD, event, &interest);
    printf("add eventfd: %d\n", result);
    result = epoll_ctl(epoll, EPOLL_CTL_ADD, event, &interest);
    printf("add again: %d (%s)\n", result, errno_name(errno));
    struct epoll_event ready[4];
    printf("nothing ready: %d\n", epoll_wait(epoll, ready, 4, 0));

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        usleep(20000);
        eventfd_write(event, 5);
        exit(0);
    }
    int count = epoll_wait(epoll, ready, 4, -1);
    printf("after the child's write: %d ready, data %llu\n", count, (unsigned long long)ready[0].data.u64);
    eventfd_t value = 0;
    eventfd_read(event, &value);
    printf("eventfd counter: %llu\n", (unsigned long long)value);
    printf("child %s\n", wait_text(pid));

    write(ends[1], "x", 1);
    count = epoll_wait(epoll, ready, 4, 1000);
    printf("after writing the pipe: %d ready, data %llu\n", count, (unsigned long long)ready[0].data.u64);
    int first = epoll_ctl(epoll, EPOLL_CTL_DEL, ends[0], NULL);
    int second = epoll_ctl(epoll, EPOLL_CTL_DEL, ends[0], NULL);
    printf("delete: %d, delete again: %d (%s)\n", first, second, errno_name(errno));
    printf("then ready: %d\n", epoll_wait(epoll, ready, 4, 0));

    eventfd_t one = 0, two = 0, three = 0, four = 0;
    eventfd_read(semaphore, &one);
    eventfd_read(semaphore, &two);
    eventfd_read(semaphore, &three);
    result = eventfd_read(semaphore, &four);
    printf("semaphore reads: %llu %llu %llu, then %d (%s)\n", (unsigned long long)one, (unsigned long long)two,
           (unsigned long long)three, result, errno_name(errno));

    /* Edge-triggered: a write is reported once, not again while its data stays unread, and the next write is. */
    int edge[2];
    pipe(edge);
    int watcher = epoll_create1(0);
    struct epoll_event edges = {.events = EPOLLIN | EPOLLET, .data.u64 = 333};
    epoll_ctl(watcher, EPOLL_CTL_ADD, edge[0], &edges);
    write(edge[1], "a", 1);
    int written = epoll_wait(watcher, ready, 4, 1000), unread = epoll_wait(watcher, ready, 4, 0);
    write(edge[1], "b", 1);
    int again = epoll_wait(watcher, ready, 4, 1000);
    printf("edge-triggered: %d, while unread %d, after another write %d\n", written, unread, again);
    /* One-shot: reported once, then not until epoll_ctl arms it again. */
    struct epoll_event once = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 444};
    epoll_ctl(watcher, EPOLL_CTL_MOD, edge[0], &once);
    int first_shot = epoll_wait(watcher, ready, 4, 0), second_shot = epoll_wait(watcher, ready, 4, 0);
    epoll_ctl(watcher, EPOLL_CTL_MOD, edge[0], &once);
    int rearmed = epoll_wait(watcher, ready, 4, 0);
    printf("one-shot: %d, then %d, armed again %d, data %llu\n", first_shot, second_shot, rearmed,
           (unsigned long long)ready[0].data.u64);
    int file = open("epoll-file", O_CREAT | O_WRONLY, 0644);
    result = epoll_ctl(watcher, EPOLL_CTL_ADD, file, &interest);
    printf("add a regular file: %d (%s)\n", result, errno_name(errno));
    close(file);
    unlink("epoll-file");
    return 0;
}
