/* An AF_PACKET socket sends a hand-built IPv4/UDP datagram (to 127.0.0.1:47009) out of the
 * loopback interface: the destination is inside the payload, not in any socket address. */
#include "net.h"
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
int main(void) {
    int s = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
    if (s < 0) DIE("packet socket");
    unsigned char pkt[RT_PKT_LEN];
    rt_ipv4_udp(pkt, 0x7f000001, 0x7f000001, 47008, 47009);
    struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_ifindex = if_nametoindex("lo"), .sll_halen = 6};
    if (sendto(s, pkt, sizeof pkt, 0, (struct sockaddr *)&ll, sizeof ll) < 0) DIE("sendto");
    return 0;
}
