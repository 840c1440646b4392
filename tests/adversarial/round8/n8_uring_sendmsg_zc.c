/* n8_uring_sendmsg_zc: IORING_OP_SENDMSG_ZC (zero-copy sendmsg; round 1 did IORING_OP_SENDMSG,
 * round 3 IORING_OP_SEND_ZC) with msg_name 127.0.0.2:47803 on an unconnected UDP socket. */
#include "r8.h"
int main(void)
{
    int rx = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in dst = ip4("127.0.0.2", 47803);
    if (bind(rx, (struct sockaddr *)&dst, sizeof dst) < 0)
        DIE("bind 127.0.0.2:47803");
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ring r;
    ring_init(&r, 0);
    char msg[] = "rtm8 IORING_OP_SENDMSG_ZC";
    struct iovec iov = {.iov_base = msg, .iov_len = strlen(msg)};
    struct msghdr m = {.msg_name = &dst, .msg_namelen = sizeof dst, .msg_iov = &iov, .msg_iovlen = 1};
    struct io_uring_sqe e = {.opcode = IORING_OP_SENDMSG_ZC, .fd = s};
    e.addr = (unsigned long)&m;
    e.len = 1;
    int res = ring_run(&r, &e);
    char buf[64] = "";
    struct pollfd p = {.fd = rx, .events = POLLIN};
    ssize_t n = poll(&p, 1, 1000) == 1 ? recv(rx, buf, sizeof buf - 1, 0) : -1;
    did("IORING_OP_SENDMSG_ZC to 127.0.0.2:47803 -> %d; received %zd bytes at 127.0.0.2:47803", res, n);
    return 0;
}
