/* n10_sendmmsg_fastopen: TCP Fast Open through sendmmsg(2): one message with msg_name
 * 127.0.0.2:47902 and the flag MSG_FASTOPEN on a never-connected TCP socket (no connect(2),
 * no sendto(2), no sendmsg(2)). A listener of the program's own on 127.0.0.2:47902 accepts it. */
#include "r10.h"
#include <netinet/tcp.h>
int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    struct sockaddr_in a = lo4(47902);
    a.sin_addr.s_addr = htonl(0x7f000002);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1, qlen = 5;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(l, IPPROTO_TCP, TCP_FASTOPEN, &qlen, sizeof qlen);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 4) < 0)
        DIE("listen 127.0.0.2:47902");
    int s = socket(AF_INET, SOCK_STREAM, 0);
    static char text[] = "rtm10 fast open by sendmmsg\n";
    struct iovec iov = {.iov_base = text, .iov_len = sizeof text - 1};
    struct mmsghdr m = {.msg_hdr = {.msg_name = &a, .msg_namelen = sizeof a, .msg_iov = &iov, .msg_iovlen = 1}};
    int n = sendmmsg(s, &m, 1, MSG_FASTOPEN);
    if (n < 0)
        DIE("sendmmsg MSG_FASTOPEN");
    int c = accept(l, NULL, NULL);
    char buf[64] = "";
    ssize_t got = c < 0 ? -1 : read(c, buf, sizeof buf - 1);
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    getpeername(s, (struct sockaddr *)&peer, &pl);
    did("sendmmsg(MSG_FASTOPEN) %d message(s); peer is %s:%d; the listener read %zd bytes", n, inet_ntoa(peer.sin_addr), ntohs(peer.sin_port), got);
    return 0;
}
