/* The working directory: chdir (relative, .., absolute from getcwd) and getcwd, which follow each other; chdir
 * refusing files and missing directories; ERANGE for a small buffer; relative paths for open, mkdir, rename,
 * stat, unlink and opendir resolved against it; inherited by fork (a child's chdir stays its own) and by exec,
 * also for a relative program path. */
#include "../posix.h"
#include "../fixture.h"

static void show(const char *label) {
    char buffer[1024];
    printf("%s: %s\n", label, shown(getcwd(buffer, sizeof buffer)));
}

/* The names in directory `path`, sorted, on one line. */
static void list(const char *path) {
    char names[32][64];
    int count = 0;
    DIR *directory = opendir(path);
    struct dirent *entry;
    while (directory && (entry = readdir(directory)) && count < 32) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        snprintf(names[count++], 64, "%s", entry->d_name);
    }
    if (directory) closedir(directory);
    qsort(names, count, 64, (int (*)(const void *, const void *))strcmp);
    printf("%s:", path);
    for (int i = 0; i < count; i++) printf(" %s", names[i]);
    printf("\n");
}

int main(int argc, char **argv) {
    char start[1024];
    printf("getcwd before entering the sandbox: %s\n", getcwd(start, sizeof start) ? "ok" : errno_name(errno));
    enter_sandbox(argc, argv);
    show("sandbox");
    int result = chdir("sub");
    printf("chdir sub: %d\n", result);
    show("now");
    result = chdir("..");
    printf("chdir ..: %d\n", result);
    show("back");
    result = chdir("file.txt");
    printf("chdir to a file: %d (%s)\n", result, errno_name(errno));
    result = chdir("missing");
    printf("chdir to nothing: %d (%s)\n", result, errno_name(errno));
    char tiny[4];
    char *got = getcwd(tiny, sizeof tiny);
    printf("getcwd into 4 bytes: %s (%s)\n", got ? "a path" : "NULL", errno_name(errno));

    /* An absolute path built from getcwd, then relative paths from a subdirectory. */
    char absolute[1100];
    snprintf(absolute, sizeof absolute, "%s/sub", sandbox);
    result = chdir(absolute);
    printf("chdir to <sandbox>/sub by absolute path: %d\n", result);
    int fd = open("made-here.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "made in sub\n", 12);
    close(fd);
    result = mkdir("new", 0755);
    printf("mkdir new: %d\n", result);
    result = rename("made-here.txt", "new/moved.txt");
    printf("rename into it: %d\n", result);
    struct stat info;
    result = stat("new/moved.txt", &info);
    printf("stat new/moved.txt: %d, %lld bytes\n", result, (long long)info.st_size);
    result = stat("../file.txt", &info);
    printf("stat ../file.txt: %d, %lld bytes\n", result, (long long)info.st_size);
    fd = open("scratch.txt", O_WRONLY | O_CREAT, 0644);
    close(fd);
    result = unlink("scratch.txt");
    printf("unlink scratch.txt: %d\n", result);
    list(".");
    list("..");
    chdir("..");

    /* A child's chdir is its own; exec keeps the directory, also to find a program by relative path. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        show("child");
        chdir("sub");
        show("child after chdir");
        fflush(stdout);
        char *arguments[] = {"where", "new/moved.txt", NULL};
        execvp("where", arguments);
        _exit(127);
    }
    printf("child: %s\n", wait_text(pid));
    show("parent still");

    char programs[1024];
    snprintf(programs, sizeof programs, "%s", program_path(""));
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        chdir(programs);
        char *arguments[] = {"./where", "missing.txt", NULL};
        execv("./where", arguments);
        _exit(127);
    }
    printf("./where from the programs' directory: %s\n", wait_text(pid));
    return 0;
}
