/* New netns: an AF_INET6 TCP socket with IPV6_V6ONLY=0 bound to ::ffff:0.0.0.0:47205 (the
 * IPv4 wildcard written as an IPv4-mapped IPv6 address) listens on every IPv4 address. */
#include "r3.h"
int main(void)
{
    new_netns();
    int s = socket(AF_INET6, SOCK_STREAM, 0), off = 0;
    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(47205)};
    inet_pton(AF_INET6, "::ffff:0.0.0.0", &a.sin6_addr);
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0)
        DIE("bind ::ffff:0.0.0.0");
    if (listen(s, 4) < 0)
        DIE("listen");
    /* Proof: an IPv4 client reaches it on an address other than 127.0.0.1. */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in t = lo4(47205);
    t.sin_addr.s_addr = htonl(0x7f000009);
    int rc = connect(c, (struct sockaddr *)&t, sizeof t);
    did("listening on ::ffff:0.0.0.0:47205; IPv4 connect to 127.0.0.9 -> %d", rc);
    return 0;
}
