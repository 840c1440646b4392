/* An AF_PACKET socket sends a hand-built IPv4/UDP datagram (to 127.0.0.1:47009) out of the
 * loopback interface: the destination is inside the payload, not in any socket address. */
#include "net.h"
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
int main(void) {
    int s = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
    if (s < 0) DIE("packet socket");
    unsigned char pkt[sizeof(struct iphdr) + sizeof(struct udphdr) + 3];
    memset(pkt, 0, sizeof pkt);
    struct iphdr *ip = (struct iphdr *)pkt;
    ip->version = 4; ip->ihl = 5; ip->ttl = 1; ip->protocol = IPPROTO_UDP;
    ip->tot_len = htons(sizeof pkt);
    ip->saddr = htonl(0x7f000001); ip->daddr = htonl(0x7f000001);
    unsigned long sum = 0;
    for (int i = 0; i < 10; i++) sum += ((uint16_t *)ip)[i];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    ip->check = ~sum;
    struct udphdr *u = (struct udphdr *)(pkt + sizeof *ip);
    u->source = htons(47008); u->dest = htons(47009); u->len = htons(sizeof *u + 3);
    memcpy(pkt + sizeof *ip + sizeof *u, "rtm", 3);
    struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_ifindex = if_nametoindex("lo"), .sll_halen = 6};
    if (sendto(s, pkt, sizeof pkt, 0, (struct sockaddr *)&ll, sizeof ll) < 0) DIE("sendto");
    return 0;
}
