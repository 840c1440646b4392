/* connect on an AF_INET6 socket to ::ffff:127.0.0.1 (an IPv4 address in IPv6 clothes). */
#include "net.h"
int main(void) {
    int s = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(47005)};
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &a.sin6_addr);
    connect(s, (struct sockaddr *)&a, sizeof a);
    return 0;
}
