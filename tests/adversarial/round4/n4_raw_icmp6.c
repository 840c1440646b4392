/* A raw ICMPv6 socket (SOCK_RAW, IPPROTO_ICMPV6): an echo request sendto ::1, the kernel's
 * echo reply read back. IPv6 raw sockets have their own send path (rawv6_sendmsg). */
#include "r4.h"
#include <netinet/icmp6.h>
#include <poll.h>
int main(void)
{
    int s = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
    if (s < 0)
        DIE("socket(AF_INET6, SOCK_RAW, ICMPV6)");
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    struct icmp6_hdr h = {.icmp6_type = ICMP6_ECHO_REQUEST};
    h.icmp6_id = htons(0x4734);
    h.icmp6_seq = htons(1);
    if (sendto(s, &h, sizeof h, 0, (void *)&a, sizeof a) < 0)
        DIE("sendto ::1");
    int got = 0;
    struct pollfd p = {.fd = s, .events = POLLIN};
    while (!got && poll(&p, 1, 1000) > 0) {
        struct icmp6_hdr r;
        if (recv(s, &r, sizeof r, 0) >= (ssize_t)sizeof r && r.icmp6_type == ICMP6_ECHO_REPLY && r.icmp6_id == h.icmp6_id)
            got = 1;
    }
    did("raw ICMPv6 echo request sendto ::1, reply: %s", got ? "yes" : "no");
    return 0;
}
