/* UDP sendmsg to 127.0.0.1:47401 with a per-message IP_RETOPTS cmsg carrying a loose source
 * route through 127.0.0.3: the kernel routes the datagram to the first hop, so the packet on
 * the wire goes to 127.0.0.3 (its IP destination), while the call names 127.0.0.1.
 * `prepare` (before the recording) does the same send and reads the frame back with an
 * AF_PACKET socket on lo, writing what it saw to rtm5_lsrr_selftest: the recorded run does
 * only the send (an AF_PACKET socket in the recording would make any destination claim a gap
 * by itself), and prints the self-test's result. */
#include "r5.h"
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#define SELFTEST SCRATCH "/rtm5_lsrr_selftest"
static void send_lsrr(void)
{
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
    close(s);
}
static void selftest(void)
{
    int cap = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
    if (cap < 0)
        DIE("AF_PACKET");
    struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_ifindex = if_nametoindex("lo")};
    if (bind(cap, (struct sockaddr *)&ll, sizeof ll) < 0)
        DIE("bind lo");
    send_lsrr();
    struct timeval tv = {.tv_sec = 1};
    setsockopt(cap, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    unsigned char f[2048];
    char out[128] = "self-test: datagram not seen on lo\n";
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
        snprintf(out, sizeof out, "self-test: IP destination is %s (ihl %d)\n", inet_ntoa(a), ip->ihl);
        break;
    }
    write_file(SELFTEST, out);
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        selftest();
        return 0;
    }
    send_lsrr();
    char t[128] = "self-test: none";
    int fd = open(SELFTEST, O_RDONLY);
    if (fd >= 0) {
        ssize_t n = read(fd, t, sizeof t - 1);
        t[n > 0 ? n : 0] = 0;
        t[strcspn(t, "\n")] = 0;
        close(fd);
    }
    did("sendmsg to 127.0.0.1:47401 with LSRR via 127.0.0.3 (%s)", t);
    return 0;
}
