/* A TCP echo server and its client in one program: the server listens on 127.0.0.1 (a port the host chooses), a
 * forked child connects and sends, the server accepts, echoes, and each checks what the other saw; end of stream
 * once the client is gone. */
#include "../posix.h"
#include "../fixture.h"

int main(int argc, char **argv) {
    enter_sandbox(argc, argv);
    int server = socket(AF_INET, SOCK_STREAM, 0);
    if (server < 0) return 1;
    int yes = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    int result = bind(server, (struct sockaddr *)&address, sizeof address);
    printf("bind: %d\n", result);
    result = listen(server, 4);
    printf("listen: %d\n", result);
    socklen_t length = sizeof address;
    getsockname(server, (struct sockaddr *)&address, &length);
    printf("listening on 127.0.0.1, port %s\n", ntohs(address.sin_port) > 0 ? "chosen by the host" : "zero!");

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(server);
        int client = socket(AF_INET, SOCK_STREAM, 0);
        int error = connect(client, (struct sockaddr *)&address, sizeof address);
        struct sockaddr_in peer;
        socklen_t peer_length = sizeof peer;
        getpeername(client, (struct sockaddr *)&peer, &peer_length);
        write(client, "hello, echo", 11);
        char reply[32] = {0};
        ssize_t total = 0, count;
        while (total < 11 && (count = read(client, reply + total, sizeof reply - 1 - total)) > 0) total += count;
        printf("client: connect %d, peer is the server's port: %s, got back \"%s\"\n", error,
               peer.sin_port == address.sin_port ? "yes" : "no", reply);
        exit(0);
    }
    struct sockaddr_in peer;
    length = sizeof peer;
    int connection = accept(server, (struct sockaddr *)&peer, &length);
    char text[32];
    inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text);
    printf("accept: %s, peer %s\n", connection >= 0 ? "a connection" : errno_name(errno), text);
    char buffer[64];
    ssize_t count = read(connection, buffer, sizeof buffer);
    printf("server: received %zd bytes\n", count);
    fflush(stdout);
    write(connection, buffer, count);
    printf("client %s\n", wait_text(pid));
    count = read(connection, buffer, sizeof buffer);
    printf("server: then end of stream (%zd)\n", count);
    return 0;
}
