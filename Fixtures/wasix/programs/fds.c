/* Reports whether the descriptors named by its arguments are open (for the close-on-exec fixtures). */
#include "../posix.h"

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        printf("descriptor %d: %s\n", i, fcntl(atoi(argv[i]), F_GETFD) >= 0 ? "open" : "closed");
    return 0;
}
