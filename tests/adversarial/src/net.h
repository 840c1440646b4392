#ifndef NET_H
#define NET_H
#include "rt.h"
static inline struct sockaddr_in lo4(const char *ip, int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

/* A hand-built IPv4/UDP datagram with a 3-byte payload "rtm" (addresses in host order): what
 * raw and packet sockets send, with the destination inside the bytes. */
#define RT_PKT_LEN (20 + 8 + 3)
static inline void rt_ipv4_udp(unsigned char *pkt, uint32_t saddr, uint32_t daddr, int sport, int dport) {
    memset(pkt, 0, RT_PKT_LEN);
    pkt[0] = 0x45;                             /* version 4, header 5 words */
    pkt[2] = RT_PKT_LEN >> 8; pkt[3] = RT_PKT_LEN & 0xff;
    pkt[8] = 1;                                /* ttl */
    pkt[9] = IPPROTO_UDP;
    uint32_t s = htonl(saddr), d = htonl(daddr);
    memcpy(pkt + 12, &s, 4);
    memcpy(pkt + 16, &d, 4);
    unsigned long sum = 0;
    for (int i = 0; i < 20; i += 2) sum += (pkt[i] << 8) | pkt[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    pkt[10] = (~sum >> 8) & 0xff; pkt[11] = ~sum & 0xff;
    unsigned char *u = pkt + 20;
    u[0] = sport >> 8; u[1] = sport & 0xff; u[2] = dport >> 8; u[3] = dport & 0xff;
    u[5] = 8 + 3;
    memcpy(u + 8, "rtm", 3);
}
#endif
