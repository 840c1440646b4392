/* An AF_INET6 UDP socket connected to ::ffff:127.0.0.1:47925 (allowed), then sendmsg with a
 * msg_name ::ffff:127.0.0.3:47926 (an IPv4-mapped address, not allowed): on a connected UDP
 * socket the msg_name wins. The program's own receiver at 127.0.0.3:47926 reads it. */
#include "r11.h"
static struct sockaddr_in6 mapped(const char *v4, int port)
{
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    char s[64];
    snprintf(s, sizeof s, "::ffff:%s", v4);
    inet_pton(AF_INET6, s, &a.sin6_addr);
    return a;
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv))
        return 0;
    int rx = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ra = ip4("127.0.0.3", 47926);
    if (bind(rx, (struct sockaddr *)&ra, sizeof ra) < 0)
        DIE("bind receiver");
    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 ok = mapped("127.0.0.1", 47925), bad = mapped("127.0.0.3", 47926);
    if (connect(s, (struct sockaddr *)&ok, sizeof ok) < 0)
        DIE("connect");
    static char msg[] = "RTM11_msgname";
    struct iovec iov = {msg, sizeof msg - 1};
    struct msghdr m = {.msg_name = &bad, .msg_namelen = sizeof bad, .msg_iov = &iov, .msg_iovlen = 1};
    ssize_t n = sendmsg(s, &m, 0);
    char buf[64] = "";
    struct timeval tv = {1, 0};
    setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t k = recv(rx, buf, sizeof buf - 1, 0);
    buf[k > 0 ? k : 0] = 0;
    did("sendmsg %zd; receiver at 127.0.0.3:47926 got \"%s\"", n, buf);
    return 0;
}
