/* A UDP round trip on 127.0.0.1 between two sockets of one program, with the sender's address reported; and
 * getaddrinfo of localhost and of a numeric address. */
#include "../posix.h"
#include "../fixture.h"

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in loopback = {.sin_family = AF_INET, .sin_port = 0}, address_a, address_b, from;
    inet_pton(AF_INET, "127.0.0.1", &loopback.sin_addr);
    bind(a, (struct sockaddr *)&loopback, sizeof loopback);
    bind(b, (struct sockaddr *)&loopback, sizeof loopback);
    socklen_t length = sizeof address_a;
    getsockname(a, (struct sockaddr *)&address_a, &length);
    length = sizeof address_b;
    getsockname(b, (struct sockaddr *)&address_b, &length);
    ssize_t sent = sendto(a, "ping over udp", 13, 0, (struct sockaddr *)&address_b, sizeof address_b);
    printf("sendto: %zd bytes\n", sent);
    char buffer[64] = {0};
    length = sizeof from;
    ssize_t received = recvfrom(b, buffer, sizeof buffer - 1, 0, (struct sockaddr *)&from, &length);
    printf("recvfrom: %zd bytes: %s\n", received, buffer);
    printf("from the sender's port: %s\n", from.sin_port == address_a.sin_port ? "yes" : "no");

    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_DGRAM}, *found = NULL;
    int error = getaddrinfo("localhost", NULL, &hints, &found);
    int loopback_found = 0;
    for (struct addrinfo *entry = found; entry; entry = entry->ai_next) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)entry->ai_addr;
        if (entry->ai_family == AF_INET && (ntohl(v4->sin_addr.s_addr) >> 24) == 127) loopback_found = 1;
    }
    printf("getaddrinfo localhost: %d, 127.x among the addresses: %s\n", error, loopback_found ? "yes" : "no");
    freeaddrinfo(found);
    error = getaddrinfo("10.1.2.3", "80", &hints, &found);
    char text[32] = "-";
    int count = 0;
    for (struct addrinfo *entry = found; entry; entry = entry->ai_next) count++;
    if (found) inet_ntop(AF_INET, &((struct sockaddr_in *)found->ai_addr)->sin_addr, text, sizeof text);
    printf("getaddrinfo 10.1.2.3: %d, %d address, %s port %d\n", error, count, text,
           found ? ntohs(((struct sockaddr_in *)found->ai_addr)->sin_port) : 0);
    freeaddrinfo(found);
    return 0;
}
