/* A raw IPPROTO_RAW socket (IP_HDRINCL): sendto names 127.0.0.77, the IP header it writes says
 * 127.0.0.78 and UDP port 47013. */
#include "net.h"
#include <netinet/ip.h>
#include <netinet/udp.h>
int main(void) {
    int s = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (s < 0) DIE("raw socket");
    unsigned char pkt[sizeof(struct iphdr) + sizeof(struct udphdr) + 3];
    memset(pkt, 0, sizeof pkt);
    struct iphdr *ip = (struct iphdr *)pkt;
    ip->version = 4; ip->ihl = 5; ip->ttl = 1; ip->protocol = IPPROTO_UDP;
    ip->tot_len = htons(sizeof pkt);
    ip->saddr = htonl(0x7f000001); ip->daddr = htonl(0x7f00004e);
    struct udphdr *u = (struct udphdr *)(pkt + sizeof *ip);
    u->source = htons(47014); u->dest = htons(47013); u->len = htons(sizeof *u + 3);
    struct sockaddr_in a = lo4("127.0.0.77", 0);
    if (sendto(s, pkt, sizeof pkt, 0, (struct sockaddr *)&a, sizeof a) < 0) DIE("sendto");
    return 0;
}
