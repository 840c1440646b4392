/* A UDP server: new network namespace, bind 0.0.0.0:47305 and recvfrom (no listen(2): UDP has
 * none), a datagram from 127.0.0.1 in the same namespace received. An open port on every
 * address without a listen event. */
#include "r4.h"
int main(void)
{
    new_netns();
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons(47305), .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(s, (void *)&any, sizeof any) < 0)
        DIE("bind 0.0.0.0:47305");
    int c = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = lo4(47305);
    sendto(c, "rtm4", 4, 0, (void *)&to, sizeof to);
    char buf[8] = "";
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf - 1, 0, (void *)&from, &fl);
    did("UDP server on 0.0.0.0:47305 (new netns) received %zd bytes from %s", n, inet_ntoa(from.sin_addr));
    return 0;
}
