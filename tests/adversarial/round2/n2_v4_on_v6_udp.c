/* An AF_INET6 UDP socket given a struct sockaddr_in (AF_INET) destination: udpv6_sendmsg hands it
 * to the IPv4 path, a datagram to 127.0.0.1:47107. */
#include "net.h"
int main(void)
{
    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 big = {0};
    struct sockaddr_in a = lo4(47107);
    memcpy(&big, &a, sizeof a);
    if (sendto(s, "rtm2", 4, 0, (struct sockaddr *)&big, sizeof big) < 0)
        DIE("sendto");
    did("AF_INET6 UDP socket, sendto an AF_INET sockaddr 127.0.0.1:47107 (sent)");
    return 0;
}
