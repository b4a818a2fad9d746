/* Without a network capability a guest cannot open sockets or resolve names; with --net-allow for one
 * endpoint, other endpoints are refused (EACCES) and nothing connects. */
#include <stdio.h>
#include <stdlib.h>
#include "../wasix.h"

int main(int argc, char **argv) {
    uint32_t fd = 0;
    uint16_t error = sock_open(1, 1, 0, &fd);
    printf("sock_open: %u\n", error);
    if (error != 0) {
        uint8_t addresses[18];
        size_t found;
        printf("resolve: %u\n", resolve("localhost", 9, 0, addresses, 1, &found));
        return 0;
    }
    addr_port elsewhere = ipv4(127, 0, 0, 1, 0);
    printf("bind to port 0: %u\n", sock_bind(fd, &elsewhere));
    addr_port remote = ipv4(93, 184, 216, 34, 80);
    printf("connect to 93.184.216.34:80: %u\n", sock_connect(fd, &remote));
    return 0;
}
