/* n6_ping_socket_netns: an ICMP "ping socket" (socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), no
 * raw socket, no port) sends an echo request to 127.0.0.2 and reads the reply. In a new network
 * namespace (lo up), where net.ipv4.ping_group_range is opened to gid 0 first (the host's
 * setting is not touched). */
#include "r6.h"
#include <netinet/ip_icmp.h>

int main(void)
{
    new_netns();
    int fd = open("/proc/sys/net/ipv4/ping_group_range", O_WRONLY);
    if (fd < 0 || write(fd, "0 0", 3) != 3)
        DIE("ping_group_range");
    close(fd);
    int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    if (s < 0)
        DIE("ping socket");
    struct icmphdr h = {.type = ICMP_ECHO};
    h.un.echo.sequence = htons(6);
    char pkt[64];
    memcpy(pkt, &h, sizeof h);
    memcpy(pkt + sizeof h, "rtm6 ping", 9);
    struct sockaddr_in d = ip4("127.0.0.2", 0);
    ssize_t n = sendto(s, pkt, sizeof h + 9, 0, (struct sockaddr *)&d, sizeof d);
    struct pollfd p = {.fd = s, .events = POLLIN};
    char reply[128];
    ssize_t r = poll(&p, 1, 2000) > 0 ? recv(s, reply, sizeof reply, 0) : -1;
    did("ping socket sendto 127.0.0.2 -> %zd; echo reply: %s", n,
        r > 0 && ((struct icmphdr *)reply)->type == ICMP_ECHOREPLY ? "yes" : "no");
    return 0;
}
