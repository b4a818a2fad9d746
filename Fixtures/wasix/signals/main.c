/* Signals: a handler runs before raise or kill returns; a blocked signal waits (sigpending) until it is unblocked;
 * an ignored one is dropped; SIGCHLD when a child ends; a child ended by its handler, by a signal's default
 * action and by SIGKILL; SIGKILL cannot be caught; an alarm (setitimer and alarm) cuts sleep, nanosleep and pause
 * short; a loop without syscalls is interrupted by a handler; stop and continue; SA_RESETHAND; signal() returning the previous
 * handler. */
#include "../posix.h"
#include "../fixture.h"

static volatile sig_atomic_t received = 0;

static void on_signal(int signal) {
    received = signal;
    printf("handler: signal %d\n", signal);
}

static void on_term(int signal) {
    printf("handler: signal %d, exiting with 9\n", signal);
    fflush(stdout);
    _exit(9);
}

static void handle(int signal, void (*handler)(int), int flags) {
    struct sigaction action = {.sa_handler = handler, .sa_flags = flags};
    sigemptyset(&action.sa_mask);
    sigaction(signal, &action, NULL);
}

/* Forks a child that tells the parent it is ready (through a pipe) and then waits for signals. */
static pid_t waiting_child(void (*prepare)(void)) {
    int ends[2];
    pipe(ends);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (prepare) prepare();
        write(ends[1], "r", 1);
        for (;;) pause();
    }
    char byte;
    read(ends[0], &byte, 1);
    close(ends[0]);
    close(ends[1]);
    return pid;
}

static void default_term(void) { signal(SIGTERM, SIG_DFL); }

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);

    handle(SIGUSR1, on_signal, SA_RESTART);
    raise(SIGUSR1);
    printf("after raise: received %d\n", received);
    received = 0;
    kill(getpid(), SIGUSR1);
    printf("after kill of itself: received %d\n", received);

    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    received = 0;
    raise(SIGUSR1);
    sigpending(&pending);
    printf("while blocked: received %d, pending %s\n", received, sigismember(&pending, SIGUSR1) ? "yes" : "no");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf("unblocked: received %d\n", received);

    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    printf("SIGUSR2 ignored: still here\n");
    struct sigaction old;
    sigaction(SIGUSR2, NULL, &old);
    printf("its action reads back as SIG_IGN: %s\n", old.sa_handler == SIG_IGN ? "yes" : "no");

    struct sigaction kill_action = {.sa_handler = on_signal};
    int result = sigaction(SIGKILL, &kill_action, NULL);
    printf("a handler for SIGKILL: %d (%s)\n", result, errno_name(errno));

    /* SIGCHLD when a child ends, before waitpid returns. */
    handle(SIGCHLD, on_signal, SA_RESTART);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) exit(0);
    printf("child: %s\n", wait_text(pid));

    /* A child that a handler ends, one that SIGTERM's default action ends, one that SIGKILL ends. */
    handle(SIGTERM, on_term, 0);
    pid = waiting_child(NULL);
    kill(pid, SIGTERM);
    printf("SIGTERM'd child with a handler: %s\n", wait_text(pid));
    pid = waiting_child(default_term);
    kill(pid, SIGTERM);
    printf("SIGTERM'd child without one: %s\n", wait_text(pid));
    pid = waiting_child(NULL);
    kill(pid, SIGKILL);
    printf("SIGKILL'd child: %s\n", wait_text(pid));
    signal(SIGCHLD, SIG_DFL);

    /* A loop that makes no syscalls still gets its signal: a child's kill runs the handler at an iteration. */
    received = 0;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    while (!received) {
    }
    printf("a loop without syscalls ended by its handler: received %d\n", received);
    printf("its child: %s\n", wait_text(pid));

    /* Stop and continue: SIGSTOP (uncatchable) and SIGTSTP's default action stop a child, which a parent sees
     * with WUNTRACED; SIGCONT continues it, and SIGKILL ends a stopped one. */
    int status = 0;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        raise(SIGSTOP);
        printf("child: continued after SIGSTOP\n");
        fflush(stdout);
        kill(getpid(), SIGTSTP);
        printf("child: continued after SIGTSTP\n");
        fflush(stdout);
        _exit(5);
    }
    waitpid(pid, &status, WUNTRACED);
    printf("child: %s\n", status_text(status));
    fflush(stdout);
    kill(pid, SIGCONT);
    waitpid(pid, &status, WUNTRACED);
    printf("child: %s\n", status_text(status));
    fflush(stdout);
    kill(pid, SIGCONT);
    printf("child: %s\n", wait_text(pid));
    pid = waiting_child(NULL);
    kill(pid, SIGSTOP);
    waitpid(pid, &status, WUNTRACED);
    printf("waiting child: %s\n", status_text(status));
    kill(pid, SIGKILL);
    printf("then SIGKILL'd: %s\n", wait_text(pid));

    /* Alarms cut sleeps short. */
    handle(SIGALRM, on_signal, 0);
    struct itimerval timer = {{0, 0}, {0, 50000}};
    setitimer(ITIMER_REAL, &timer, NULL);
    unsigned left = sleep(10);
    printf("sleep(10) cut short: %s, received %d\n", left > 0 && left <= 10 ? "yes" : "no", received);
    received = 0;
    setitimer(ITIMER_REAL, &timer, NULL);
    struct timespec duration = {10, 0}, remaining = {0, 0};
    result = nanosleep(&duration, &remaining);
    printf("nanosleep: %d (%s), received %d, time remaining: %s\n", result, errno_name(errno), received,
           remaining.tv_sec > 5 ? "most" : "little");
    received = 0;
    setitimer(ITIMER_REAL, &timer, NULL);
    result = pause();
    printf("pause: %d (%s), received %d\n", result, errno_name(errno), received);
    alarm(30);
    printf("alarm(0) after alarm(30): %u seconds were left\n", alarm(0));

    /* SA_RESETHAND: the handler runs once, then the default action (ignoring SIGURG) applies. */
    handle(SIGURG, on_signal, SA_RESETHAND);
    raise(SIGURG);
    raise(SIGURG);
    sigaction(SIGURG, NULL, &old);
    printf("SIGURG handled once, then SIG_DFL: %s\n", old.sa_handler == SIG_DFL ? "yes" : "no");
    printf("signal() returns the previous handler: %s\n", signal(SIGUSR1, SIG_DFL) == on_signal ? "yes" : "no");
    return 0;
}
