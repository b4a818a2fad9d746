/* A TCP echo server and its client in one program: the server listens on 127.0.0.1 (an ephemeral port), a
 * forked child connects and sends, the server accepts, echoes, and both check what the other saw. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "../wasix.h"

int main(void) {
    uint32_t server, client, connection;
    if (sock_open(1, 1, 0, &server) != 0) return 1;
    sock_set_opt_flag(server, 2, 1); /* SO_REUSEADDR */
    addr_port any = ipv4(127, 0, 0, 1, 0);
    printf("bind: %u\n", sock_bind(server, &any));
    printf("listen: %u\n", sock_listen(server, 4));
    addr_port local;
    sock_addr_local(server, &local);
    uint16_t port = port_of(&local);
    printf("listening on 127.0.0.1, port %s\n", port > 0 ? "chosen by the host" : "zero!");
    fflush(stdout);

    uint32_t pid = fork_or_die();
    if (pid == 0) {
        close(server);
        sock_open(1, 1, 0, &client);
        addr_port target = ipv4(127, 0, 0, 1, port);
        uint16_t error = sock_connect(client, &target);
        write(client, "hello, echo", 11);
        char reply[32] = {0};
        ssize_t total = 0, count;
        while (total < 11 && (count = read(client, reply + total, sizeof reply - 1 - total)) > 0) total += count;
        printf("client: connect %u, got back \"%s\"\n", error, reply);
        return 0;
    }
    addr_port peer;
    printf("accept: %u\n", sock_accept_v2(server, 0, &connection, &peer));
    printf("peer: %u.%u.%u.%u\n", peer.bytes[2], peer.bytes[3], peer.bytes[4], peer.bytes[5]);
    char buffer[64];
    ssize_t count = read(connection, buffer, sizeof buffer);
    printf("server: received %zd bytes\n", count);
    fflush(stdout);
    write(connection, buffer, count);
    printf("client exited with %u\n", join(pid));
    count = read(connection, buffer, sizeof buffer);
    printf("server: then end of stream (%zd)\n", count);
    return 0;
}
