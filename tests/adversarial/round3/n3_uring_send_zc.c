/* IORING_OP_SEND_ZC (zero-copy send) with a destination address in the entry (addr2/addr_len)
 * on an unconnected UDP socket: the kernel sends to 127.0.0.1:47206 from an io_uring worker. */
#include "uring3.h"
int main(void)
{
    struct ring r;
    ring_init(&r, 0);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = lo4(47206);
    static char buf[] = "rtm3";
    struct io_uring_sqe e = {.opcode = IORING_OP_SEND_ZC, .fd = s};
    e.addr = (unsigned long)buf;
    e.len = 4;
    e.addr2 = (unsigned long)&a;
    e.addr_len = sizeof a;
    int res = ring_run(&r, &e);
    if (res < 0) {
        errno = -res;
        DIE("IORING_OP_SEND_ZC");
    }
    did("IORING_OP_SEND_ZC to 127.0.0.1:47206 -> %d bytes (sent)", res);
    return 0;
}
