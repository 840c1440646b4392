/* A raw IPPROTO_RAW socket (IP_HDRINCL): sendto names 127.0.0.77, the IP header it writes says
 * 127.0.0.78 and UDP port 47013. */
#include "net.h"
int main(void) {
    int s = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (s < 0) DIE("raw socket");
    unsigned char pkt[RT_PKT_LEN];
    rt_ipv4_udp(pkt, 0x7f000001, 0x7f00004e, 47014, 47013);
    struct sockaddr_in a = lo4("127.0.0.77", 0);
    if (sendto(s, pkt, sizeof pkt, 0, (struct sockaddr *)&a, sizeof a) < 0) DIE("sendto");
    return 0;
}
