/* A small HTTP server: listens on 127.0.0.1:PORT (0: any free port), prints "listening on N", answers COUNT
 * requests with a greeting that names the request's path, then exits. Usage: http-server.wasm PORT COUNT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../wasix.h"

int main(int argc, char **argv) {
    uint32_t server, connection;
    if (argc < 3 || sock_open(1, 1, 0, &server) != 0) return 1;
    sock_set_opt_flag(server, 2, 1);
    addr_port address = ipv4(127, 0, 0, 1, (uint16_t)atoi(argv[1]));
    if (sock_bind(server, &address) != 0 || sock_listen(server, 16) != 0) return 2;
    sock_addr_local(server, &address);
    printf("listening on %u\n", port_of(&address));
    fflush(stdout);
    for (int served = 0; served < atoi(argv[2]); served++) {
        addr_port peer;
        if (sock_accept_v2(server, 0, &connection, &peer) != 0) return 3;
        char request[2048];
        size_t length = 0;
        ssize_t count;
        while (length < sizeof request - 1 && (count = read(connection, request + length, sizeof request - 1 - length)) > 0) {
            length += count;
            request[length] = 0;
            if (strstr(request, "\r\n\r\n")) break;
        }
        char path[256] = "?";
        sscanf(request, "GET %255s", path);
        char body[512];
        int size = snprintf(body, sizeof body, "hello from wasix-swift, you asked for %s\n", path);
        char response[1024];
        int total = snprintf(response, sizeof response,
                             "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
                             size, body);
        write(connection, response, total);
        close(connection);
    }
    return 0;
}
