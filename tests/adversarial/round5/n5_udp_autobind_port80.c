/* A UDP server on 0.0.0.0:80 with no bind and no listen: in a new network namespace, set
 * ip_unprivileged_port_start to 0 and ip_local_port_range to "80 80", then sendto() on a new
 * UDP socket: the kernel autobinds it to 0.0.0.0:80, the one port in the range. A second
 * socket sends to 127.0.0.1:80 and the first receives it. */
#include "r5.h"
int main(void)
{
    new_netns();
    write_str("/proc/sys/net/ipv4/ip_unprivileged_port_start", "0");
    /* The probe sender first, autobound like any UDP client while the range is the default
     * one (nothing here is bound by bind(2)). */
    int r = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in d0 = lo4(47407);
    if (sendto(r, "x", 1, 0, (struct sockaddr *)&d0, sizeof d0) < 0)
        DIE("sendto 47407");
    write_str("/proc/sys/net/ipv4/ip_local_port_range", "80 80");
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in d = lo4(47402);
    if (sendto(s, "x", 1, 0, (struct sockaddr *)&d, sizeof d) < 0)
        DIE("sendto");
    struct sockaddr_in me;
    socklen_t ml = sizeof me;
    getsockname(s, (struct sockaddr *)&me, &ml);
    struct sockaddr_in to = lo4(ntohs(me.sin_port));
    sendto(r, "ping", 4, 0, (struct sockaddr *)&to, sizeof to);
    struct timeval tv = {.tv_sec = 1};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char b[16];
    ssize_t n;
    do /* the ICMP error of the first sendto may come first */
        n = recv(s, b, sizeof b, 0);
    while (n < 0 && errno == ECONNREFUSED);
    did("autobound by sendto to %s:%d; received %zd bytes", inet_ntoa(me.sin_addr), ntohs(me.sin_port), n);
    return 0;
}
