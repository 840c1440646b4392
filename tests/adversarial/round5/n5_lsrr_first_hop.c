/* UDP sendmsg to 127.0.0.1:47401 with a per-message IP_RETOPTS cmsg carrying a loose source
 * route through 127.0.0.3: the kernel routes the datagram to the first hop, so the packet on
 * the wire goes to 127.0.0.3 (its IP destination), while the call names 127.0.0.1. An
 * AF_PACKET socket on lo reads the frame back to prove it. */
#include "r5.h"
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
int main(void)
{
    int cap = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
    if (cap < 0)
        DIE("AF_PACKET");
    struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_ifindex = if_nametoindex("lo")};
    if (bind(cap, (struct sockaddr *)&ll, sizeof ll) < 0)
        DIE("bind lo");
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in d = lo4(47401);
    unsigned char opt[8] = {IPOPT_NOP, IPOPT_LSRR, 7, 4, 127, 0, 0, 3};
    char cbuf[CMSG_SPACE(sizeof opt)] = {0};
    struct iovec iov = {.iov_base = "rtm5", .iov_len = 4};
    struct msghdr m = {.msg_name = &d, .msg_namelen = sizeof d, .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_RETOPTS;
    c->cmsg_len = CMSG_LEN(sizeof opt);
    memcpy(CMSG_DATA(c), opt, sizeof opt);
    if (sendmsg(s, &m, 0) < 0)
        DIE("sendmsg");
    struct timeval tv = {.tv_sec = 1};
    setsockopt(cap, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    unsigned char f[2048];
    for (int i = 0; i < 50; i++) {
        ssize_t n = recv(cap, f, sizeof f, 0);
        if (n < 0)
            break;
        struct iphdr *ip = (struct iphdr *)f;
        if (ip->protocol != IPPROTO_UDP)
            continue;
        struct udphdr *u = (struct udphdr *)(f + ip->ihl * 4);
        if (ntohs(u->dest) != 47401)
            continue;
        struct in_addr a = {.s_addr = ip->daddr};
        did("sendmsg to 127.0.0.1:47401 with LSRR via 127.0.0.3: the datagram's IP destination is %s (ihl %d)", inet_ntoa(a), ip->ihl);
        return 0;
    }
    did("sendmsg with LSRR: datagram not seen on lo");
    return 0;
}
