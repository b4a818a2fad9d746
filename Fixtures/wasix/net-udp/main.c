/* A UDP round trip on 127.0.0.1 between two sockets of one program, with the sender's address reported; and
 * resolve of localhost and of a numeric address. */
#include <stdio.h>
#include <string.h>
#include "../wasix.h"

typedef struct { const void *buffer; size_t length; } iovec;

int main(void) {
    uint32_t a, b;
    sock_open(1, 2, 0, &a);
    sock_open(1, 2, 0, &b);
    addr_port loopback = ipv4(127, 0, 0, 1, 0);
    sock_bind(a, &loopback);
    sock_bind(b, &loopback);
    addr_port address_a, address_b;
    sock_addr_local(a, &address_a);
    sock_addr_local(b, &address_b);
    addr_port to_b = ipv4(127, 0, 0, 1, port_of(&address_b));
    iovec out = {"ping over udp", 13};
    size_t sent = 0, received = 0;
    printf("send_to: %u, %zu bytes\n", sock_send_to(a, &out, 1, 0, &to_b, &sent), sent);
    char buffer[64] = {0};
    iovec in = {buffer, sizeof buffer - 1};
    uint16_t flags;
    addr_port from;
    printf("recv_from: %u, %zu bytes: %s\n", sock_recv_from(b, &in, 1, 0, &received, &flags, &from), received, buffer);
    printf("from the sender's port: %s\n", port_of(&from) == port_of(&address_a) ? "yes" : "no");

    uint8_t addresses[4][18];
    size_t found = 0;
    uint16_t error = resolve("localhost", 9, 0, addresses, 4, &found);
    int loopback_found = 0;
    for (size_t i = 0; i < found; i++)
        if (addresses[i][0] == 1 && addresses[i][2] == 127) loopback_found = 1;
    printf("resolve localhost: %u, 127.x among the addresses: %s\n", error, loopback_found ? "yes" : "no");
    error = resolve("10.1.2.3", 8, 0, addresses, 4, &found);
    printf("resolve 10.1.2.3: %u, %zu address, %u.%u.%u.%u\n", error, found, addresses[0][2], addresses[0][3],
           addresses[0][4], addresses[0][5]);
    return 0;
}
