/* A UDP socket connected to the allowed 127.0.0.1:47202 sends one datagram there, then a
 * sendto() with another destination (127.0.0.2:47203) on the same connected socket: the
 * per-call address overrides the connected one. */
#include "r3.h"
int main(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = lo4(47202), b = lo4(47203);
    b.sin_addr.s_addr = htonl(0x7f000002);
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
        DIE("connect");
    if (send(s, "rtm3", 4, 0) < 0)
        DIE("send");
    /* The ICMP port-unreachable of the first datagram is a pending error: collect it. */
    usleep(50000);
    int err;
    socklen_t el = sizeof err;
    getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
    if (sendto(s, "rtm3", 4, 0, (struct sockaddr *)&b, sizeof b) < 0)
        DIE("sendto");
    did("connected UDP to 127.0.0.1:47202, then sendto 127.0.0.2:47203 on it (sent)");
    return 0;
}
