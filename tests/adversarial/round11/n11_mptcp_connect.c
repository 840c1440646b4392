/* MPTCP (socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)): a listener on 127.0.0.1:47927 and a
 * connect to 127.0.0.3:47928 (own listener there, also MPTCP); the protocol is not TCP's. */
#include "r11.h"
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
static int mlisten(const char *ip, int port)
{
    int s = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
    if (s < 0)
        DIE("socket MPTCP");
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = ip4(ip, port);
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 4) < 0)
        DIE("listen %s:%d", ip, port);
    return s;
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv))
        return 0;
    int l1 = mlisten("127.0.0.1", 47927);
    int l2 = mlisten("127.0.0.3", 47928);
    (void)l1;
    int c = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
    struct sockaddr_in a = ip4("127.0.0.3", 47928);
    int rc = connect(c, (struct sockaddr *)&a, sizeof a);
    write(c, "RTM11_mptcp", 11);
    int k = accept(l2, NULL, NULL);
    char buf[32] = "";
    ssize_t n = k >= 0 ? read(k, buf, sizeof buf - 1) : -1;
    buf[n > 0 ? n : 0] = 0;
    did("MPTCP listen 127.0.0.1:47927; connect 127.0.0.3:47928 -> %d, peer read \"%s\"", rc, buf);
    return 0;
}
