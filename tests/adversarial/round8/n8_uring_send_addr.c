/* n8_uring_send_addr: IORING_OP_SEND (not SEND_ZC, not SENDMSG) with a destination address in
 * addr2/addr_len, on an unconnected UDP socket: a datagram to 127.0.0.2:47802, received there. */
#include "r8.h"
int main(void)
{
    int rx = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in dst = ip4("127.0.0.2", 47802);
    if (bind(rx, (struct sockaddr *)&dst, sizeof dst) < 0)
        DIE("bind 127.0.0.2:47802");
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ring r;
    ring_init(&r, 0);
    const char *msg = "rtm8 IORING_OP_SEND with addr2";
    struct io_uring_sqe e = {.opcode = IORING_OP_SEND, .fd = s};
    e.addr = (unsigned long)msg;
    e.len = strlen(msg);
    e.addr2 = (unsigned long)&dst;
    e.addr_len = sizeof dst;
    int res = ring_run(&r, &e);
    char buf[64] = "";
    struct pollfd p = {.fd = rx, .events = POLLIN};
    ssize_t n = poll(&p, 1, 1000) == 1 ? recv(rx, buf, sizeof buf - 1, 0) : -1;
    did("IORING_OP_SEND with addr2 127.0.0.2:47802 -> %d; received %zd bytes at 127.0.0.2:47802", res, n);
    return 0;
}
