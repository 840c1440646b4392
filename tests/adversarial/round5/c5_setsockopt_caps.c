/* Capability-gated socket options an ordinary daemon sets: SO_MARK and SO_RCVBUFFORCE
 * (CAP_NET_ADMIN), SO_PRIORITY 7 (CAP_NET_ADMIN/RAW), IP_TRANSPARENT (CAP_NET_RAW/ADMIN). */
#include "r5.h"
int main(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    int mark = 0x52544d35, big = 8 << 20, prio = 7, one = 1;
    int r1 = setsockopt(s, SOL_SOCKET, SO_MARK, &mark, sizeof mark);
    int r2 = setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    int r3 = setsockopt(s, SOL_SOCKET, SO_PRIORITY, &prio, sizeof prio);
    int r4 = setsockopt(s, SOL_IP, IP_TRANSPARENT, &one, sizeof one);
    int got = 0;
    socklen_t gl = sizeof got;
    getsockopt(s, SOL_SOCKET, SO_MARK, &got, &gl);
    did("SO_MARK -> %d, SO_RCVBUFFORCE -> %d, SO_PRIORITY 7 -> %d, IP_TRANSPARENT -> %d; mark now 0x%x", r1, r2, r3, r4, got);
    return 0;
}
