/* A raw IPv4 socket with IP_HDRINCL: sendto(127.0.0.1) (the allowed destination) of a packet
 * whose own IP header says 127.0.0.3, UDP port 47929. On loopback the packet is delivered by its
 * header: the program's UDP receiver at 127.0.0.3:47929 gets it. */
#include "r11.h"
#include <netinet/ip.h>
#include <netinet/udp.h>
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv))
        return 0;
    int rx = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ra = ip4("127.0.0.3", 47929);
    if (bind(rx, (struct sockaddr *)&ra, sizeof ra) < 0)
        DIE("bind receiver");
    int s = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (s < 0)
        DIE("raw socket");
    static const char msg[] = "RTM11_hdrincl";
    char pkt[128] = {0};
    struct iphdr *ip = (struct iphdr *)pkt;
    struct udphdr *udp = (struct udphdr *)(pkt + sizeof *ip);
    ip->ihl = 5;
    ip->version = 4;
    ip->ttl = 64;
    ip->protocol = IPPROTO_UDP;
    inet_pton(AF_INET, "127.0.0.1", &ip->saddr);
    inet_pton(AF_INET, "127.0.0.3", &ip->daddr);
    udp->source = htons(47930);
    udp->dest = htons(47929);
    udp->len = htons(sizeof *udp + sizeof msg - 1);
    udp->check = 0;
    memcpy(pkt + sizeof *ip + sizeof *udp, msg, sizeof msg - 1);
    size_t len = sizeof *ip + sizeof *udp + sizeof msg - 1;
    ip->tot_len = htons(len);
    struct sockaddr_in to = ip4("127.0.0.1", 0);
    ssize_t n = sendto(s, pkt, len, 0, (struct sockaddr *)&to, sizeof to);
    char buf[64] = "";
    struct timeval tv = {1, 0};
    setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t k = recv(rx, buf, sizeof buf - 1, 0);
    buf[k > 0 ? k : 0] = 0;
    did("raw sendto 127.0.0.1 -> %zd; receiver at 127.0.0.3:47929 got \"%s\"", n, buf);
    return 0;
}
