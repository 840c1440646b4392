/* AF_PACKET bound to lo, then a hand-built Ethernet/IPv4/UDP frame to 127.0.0.1:47103 sent with
 * write(2): no sendto, no destination address in any syscall. */
#include "net.h"
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
static uint16_t csum(void *p, int n)
{
    uint32_t s = 0;
    uint16_t *w = p;
    for (; n > 1; n -= 2)
        s += *w++;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return ~s;
}
int main(void)
{
    int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
    if (s < 0)
        DIE("socket(AF_PACKET)");
    struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_ifindex = if_nametoindex("lo")};
    if (bind(s, (struct sockaddr *)&ll, sizeof ll) < 0)
        DIE("bind lo");
    unsigned char frame[64] = {0};
    struct ether_header *eh = (void *)frame;
    eh->ether_type = htons(ETHERTYPE_IP);
    struct iphdr *ip = (void *)(frame + sizeof *eh);
    struct udphdr *udp = (void *)(ip + 1);
    memcpy(udp + 1, "rtm2", 4);
    ip->version = 4, ip->ihl = 5, ip->ttl = 64, ip->protocol = IPPROTO_UDP;
    ip->tot_len = htons(sizeof *ip + sizeof *udp + 4);
    ip->saddr = htonl(INADDR_LOOPBACK), ip->daddr = htonl(INADDR_LOOPBACK);
    ip->check = csum(ip, sizeof *ip);
    udp->source = htons(47199), udp->dest = htons(47103), udp->len = htons(sizeof *udp + 4);
    size_t n = sizeof *eh + sizeof *ip + sizeof *udp + 4;
    if (write(s, frame, n) != (ssize_t)n)
        DIE("write");
    did("AF_PACKET write on lo: IPv4/UDP frame to 127.0.0.1:47103");
    return 0;
}
