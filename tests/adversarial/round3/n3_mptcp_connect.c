/* Multipath TCP: socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP) + connect 127.0.0.1:47201. The
 * kernel connects a TCP subflow on the program's behalf; the socket is not a plain TCP one. */
#include "r3.h"
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
int main(void)
{
    int s = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
    if (s < 0)
        DIE("socket IPPROTO_MPTCP");
    struct sockaddr_in a = lo4(47201);
    int rc = connect(s, (struct sockaddr *)&a, sizeof a);
    did("MPTCP connect 127.0.0.1:47201 -> %d (%s)", rc, rc < 0 ? strerror(errno) : "connected");
    return 0;
}
