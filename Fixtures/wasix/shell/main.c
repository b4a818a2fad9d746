/* A small shell, to run scripts the way shells do: every pipeline stage, subshell and command substitution is a
 * forked process; external commands are exec'd from PATH (after vfork); pipes are dup2'd onto stdio.
 * Grammar: lines of `;`-separated pipelines; a command is `( list )` or words; a word may be `$( list )`.
 * Builtins: echo, cd, pwd (which shows the sandbox as <sandbox>), exit. Usage: main SANDBOX SCRIPT. */
#include "../posix.h"
#include "../fixture.h"
#include <ctype.h>

static const char *input; /* the text being parsed */

static void skip_blanks(void) { while (*input == ' ' || *input == '\t') input++; }

/* Runs `list` (text up to `end`) in the current process; returns the last status. */
static int run_list(const char *list, size_t length);

/* Finds the `)` that closes the `(` just before `text`; returns its position. */
static const char *closing(const char *text) {
    int depth = 1;
    for (; *text; text++) {
        if (*text == '(') depth++;
        if (*text == ')' && --depth == 0) return text;
    }
    return text;
}

/* Waits for `pid`; returns its status as a shell sees it (128 plus the signal that ended it). */
static int join(pid_t pid) {
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return 127;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Moves descriptor `fd` onto `target`. */
static int move(int fd, int target) {
    if (dup2(fd, target) != target) return -1;
    return close(fd);
}

/* Forks a process that runs `list` with its stdout on a pipe; returns what it printed, less the last newline. */
static char *substitute(const char *list, size_t length) {
    int ends[2];
    pipe(ends);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(ends[0]);
        if (move(ends[1], 1) != 0) _exit(126);
        int status = run_list(list, length);
        fflush(stdout);
        _exit(status);
    }
    close(ends[1]);
    size_t size = 0, capacity = 256;
    char *text = malloc(capacity);
    ssize_t count;
    while ((count = read(ends[0], text + size, capacity - size - 1)) > 0) {
        size += count;
        if (capacity - size < 64) text = realloc(text, capacity *= 2);
    }
    close(ends[0]);
    join(pid);
    if (size > 0 && text[size - 1] == '\n') size--;
    text[size] = 0;
    return text;
}

/* Reads the words of a simple command, up to `|`, `;`, `)` or the end. */
static int read_words(char **words, int capacity) {
    int count = 0;
    for (;;) {
        skip_blanks();
        if (!*input || *input == '|' || *input == ';' || *input == ')' || *input == '\n') break;
        if (input[0] == '$' && input[1] == '(') {
            const char *end = closing(input + 2);
            words[count++] = substitute(input + 2, end - input - 2);
            input = *end ? end + 1 : end;
        } else {
            const char *start = input;
            while (*input && !isspace((unsigned char)*input) && !strchr("|;()", *input)) input++;
            words[count++] = strndup(start, input - start);
        }
        if (count == capacity - 1) break;
    }
    words[count] = NULL;
    return count;
}

/* Runs one command in the current process (a pipeline stage or the whole pipeline); returns its status. */
static int run_command(int in_child) {
    skip_blanks();
    if (*input == '(') {
        const char *end = closing(input + 1);
        const char *list = input + 1;
        input = *end ? end + 1 : end;
        if (in_child) exit(run_list(list, end - list));
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            int status = run_list(list, end - list);
            fflush(stdout);
            _exit(status);
        }
        return join(pid);
    }
    char *words[64];
    int count = read_words(words, 64);
    if (count == 0) return 0;
    if (strcmp(words[0], "echo") == 0) {
        for (int i = 1; i < count; i++) printf(i > 1 ? " %s" : "%s", words[i]);
        printf("\n");
        return 0;
    }
    if (strcmp(words[0], "cd") == 0) return count > 1 && chdir(words[1]) == 0 ? 0 : 1;
    if (strcmp(words[0], "pwd") == 0) {
        char path[1024];
        printf("%s\n", shown(getcwd(path, sizeof path)));
        return 0;
    }
    if (strcmp(words[0], "exit") == 0) {
        fflush(stdout);
        exit(count > 1 ? atoi(words[1]) : 0);
    }
    fflush(stdout);
    pid_t pid = 0;
    if (!in_child && (pid = vfork()) < 0) return 126;
    if (pid == 0) {
        execvp(words[0], words);
        _exit(127);
    }
    return join(pid);
}

/* Runs a pipeline: each stage but a lone one in a forked child, connected by pipes. */
static int run_pipeline(void) {
    const char *start = input;
    int stages = 1;
    for (const char *p = input; *p && *p != ';' && *p != '\n'; p++) {
        if (*p == '(') p = closing(p + 1);
        if (*p == '|') stages++;
        if (!*p) break;
    }
    input = start;
    if (stages == 1) return run_command(0);
    pid_t pids[16];
    int previous = 0;
    for (int stage = 0; stage < stages; stage++) {
        int ends[2] = {0, 0};
        if (stage < stages - 1) pipe(ends);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            if (stage > 0 && move(previous, 0) != 0) _exit(126);
            if (stage < stages - 1) {
                close(ends[0]);
                if (move(ends[1], 1) != 0) _exit(126);
            }
            int status = run_command(1);
            fflush(stdout);
            _exit(status);
        }
        pids[stage] = pid;
        if (stage > 0) close(previous);
        if (stage < stages - 1) {
            close(ends[1]);
            previous = ends[0];
        }
        /* Skip this stage's text in the parent. */
        skip_blanks();
        if (*input == '(') input = closing(input + 1) + 1;
        while (*input && *input != '|' && *input != ';' && *input != '\n') {
            if (*input == '(') input = closing(input + 1);
            input++;
        }
        if (*input == '|') input++;
    }
    int status = 0;
    for (int stage = 0; stage < stages; stage++) status = join(pids[stage]);
    return status;
}

static int run_list(const char *list, size_t length) {
    char *copy = strndup(list, length);
    const char *saved = input;
    input = copy;
    int status = 0;
    for (;;) {
        while (*input == ' ' || *input == ';' || *input == '\n' || *input == '\t') input++;
        if (!*input || *input == ')') break;
        if (*input == '#') {
            while (*input && *input != '\n') input++;
            continue;
        }
        status = run_pipeline();
    }
    input = saved;
    free(copy);
    return status;
}

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);
    if (argc < 3) return 2;
    FILE *file = fopen(argv[2], "r");
    if (!file) return 2;
    static char script[8192];
    size_t length = fread(script, 1, sizeof script - 1, file);
    fclose(file);
    return run_list(script, length);
}
