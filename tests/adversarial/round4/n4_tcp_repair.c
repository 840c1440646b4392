/* TCP_REPAIR (CAP_NET_ADMIN, what CRIU uses): connect() to 127.0.0.1:47304 in repair mode sends
 * no SYN and makes the socket ESTABLISHED at once; repair off, then send(): data segments go to
 * the peer with no handshake ever seen (the listener answers with a reset). */
#include "r4.h"
#include <netinet/tcp.h>
int main(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = lo4(47304);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (void *)&a, sizeof a) < 0 || listen(l, 4) < 0)
        DIE("listen 47304");
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (setsockopt(s, SOL_TCP, TCP_REPAIR, &one, sizeof one) < 0)
        DIE("TCP_REPAIR on");
    int rc = connect(s, (void *)&a, sizeof a);
    if (rc < 0)
        DIE("connect in repair mode");
    int off = 0;
    if (setsockopt(s, SOL_TCP, TCP_REPAIR, &off, sizeof off) < 0)
        DIE("TCP_REPAIR off");
    ssize_t n = send(s, "rtm4_tcp_repair", 15, 0);
    /* Turning repair off sends a window probe to the peer; the listener, which never saw a
     * SYN, answers it with a reset: that reset is the proof a segment reached 47304. */
    did("connect in repair mode to 127.0.0.1:47304 -> %d, repair off, send -> %zd (%s)", rc, n, n < 0 ? strerror(errno) : "sent");
    return 0;
}
