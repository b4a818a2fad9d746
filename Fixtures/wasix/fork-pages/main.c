/* fork-pages: after a fork each process sees only its own writes, page by page: at both edges of every 4 KiB
 * page of a block, in memory grown after the fork, in a fork of a fork while its parent still writes, and in
 * children that stay alive while their parent writes between forks (what copy-on-write memory must keep apart). */
#include "../posix.h"
#include "../fixture.h"

#define PAGE 4096
#define PAGES 64

/* The edges of page `page` of `block`: its first and last byte. */
static void set_edges(char *block, int page, char value) {
    block[page * PAGE] = value;
    block[page * PAGE + PAGE - 1] = value;
}

/* How many edges of the pages of `block` with the given parity differ from `value`. */
static int count_wrong(const char *block, int pages, int parity, char value) {
    int wrong = 0;
    for (int page = parity; page < pages; page += 2)
        wrong += (block[page * PAGE] != value) + (block[page * PAGE + PAGE - 1] != value);
    return wrong;
}

static void signal_to(int fd) { (void)!write(fd, "x", 1); }
static void wait_for(int fd) {
    char byte;
    (void)!read(fd, &byte, 1);
}

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);
    char *block = malloc(PAGES * PAGE);
    memset(block, 'p', PAGES * PAGE);

    /* Both write after the fork, in turn: the child the odd pages, the parent the even ones. */
    int to_child[2], to_parent[2];
    if (pipe(to_child) || pipe(to_parent)) return 1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        for (int page = 1; page < PAGES; page += 2) set_edges(block, page, 'c');
        signal_to(to_parent[1]);
        wait_for(to_child[0]);
        printf("child: own odd edges wrong %d, even edges (parent wrote them) wrong %d\n",
               count_wrong(block, PAGES, 1, 'c'), count_wrong(block, PAGES, 0, 'p'));
        /* Memory grown after the fork: malloc takes new pages; the parent grows too. */
        char *grown = malloc(16 * PAGE * 16);
        memset(grown, 'g', 16 * PAGE * 16);
        /* A fork of the fork, which writes while its parent writes too. */
        fflush(stdout);
        pid_t grandchild = fork();
        if (grandchild == 0) {
            int wrong = count_wrong(grown, 256, 0, 'g') + count_wrong(grown, 256, 1, 'g')
                + count_wrong(block, PAGES, 1, 'c');
            for (int page = 0; page < 256; page++) set_edges(grown, page, 'G');
            printf("grandchild: inherited edges wrong %d\n", wrong);
            exit(0);
        }
        for (int page = 0; page < 256; page += 3) set_edges(grown, page, 'h');
        int status;
        waitpid(grandchild, &status, 0);
        int wrong = 0;
        for (int page = 0; page < 256; page++)
            wrong += grown[page * PAGE] != (page % 3 ? 'g' : 'h') || grown[page * PAGE + PAGE - 1] != (page % 3 ? 'g' : 'h');
        printf("child: grown edges after the grandchild wrote all of them wrong %d; grandchild %s\n", wrong,
               status_text(status));
        exit(0);
    }
    wait_for(to_parent[0]);
    printf("parent: odd edges (child wrote them) wrong %d\n", count_wrong(block, PAGES, 1, 'p'));
    for (int page = 0; page < PAGES; page += 2) set_edges(block, page, 'P');
    char *grown = malloc(16 * PAGE * 16);
    memset(grown, 'q', 16 * PAGE * 16);
    fflush(stdout);
    signal_to(to_child[1]);
    printf("parent: child %s\n", wait_text(pid));
    printf("parent: own even edges wrong %d, odd edges wrong %d, grown wrong %d\n", count_wrong(block, PAGES, 0, 'P'),
           count_wrong(block, PAGES, 1, 'p'), count_wrong(grown, 256, 0, 'q') + count_wrong(grown, 256, 1, 'q'));

    /* Children that stay alive while the parent writes between forks: each keeps the block as it was when it
     * was forked, and the parent keeps its own. */
    enum { CHILDREN = 5 };
    pid_t children[CHILDREN];
    int go[CHILDREN][2];
    for (int i = 0; i < CHILDREN; i++) {
        for (int page = i % 2; page < PAGES; page += 2) set_edges(block, page, (char)('0' + i));
        if (pipe(go[i])) return 1;
        fflush(stdout);
        children[i] = fork();
        if (children[i] == 0) {
            wait_for(go[i][0]);
            int wrong = count_wrong(block, PAGES, i % 2, (char)('0' + i));
            if (i > 0) wrong += count_wrong(block, PAGES, (i - 1) % 2, (char)('0' + i - 1));
            printf("live child %d: its block wrong %d\n", i, wrong);
            exit(0);
        }
    }
    for (int page = 0; page < PAGES; page++) set_edges(block, page, 'z');
    for (int i = 0; i < CHILDREN; i++) {
        fflush(stdout);
        signal_to(go[i][1]);
        printf("parent: live child %d %s\n", i, wait_text(children[i]));
    }
    printf("parent: own block wrong %d\n", count_wrong(block, PAGES, 0, 'z') + count_wrong(block, PAGES, 1, 'z'));
    return 0;
}
