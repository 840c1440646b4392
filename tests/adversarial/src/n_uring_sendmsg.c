/* IORING_OP_SENDMSG on an unconnected UDP socket: the destination is in the msghdr. */
#include "uring.h"
#include "net.h"
int main(void) {
    struct ring r;
    ring_init(&r, 0);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = lo4("127.0.0.1", 47012);
    struct iovec io = {.iov_base = "rtm", .iov_len = 3};
    struct msghdr m = {.msg_name = &a, .msg_namelen = sizeof a, .msg_iov = &io, .msg_iovlen = 1};
    struct io_uring_sqe e = {.opcode = IORING_OP_SENDMSG, .fd = s};
    e.addr = (unsigned long)&m;
    int res = ring_run(&r, &e);
    if (res < 0) { errno = -res; DIE("uring sendmsg"); }
    return 0;
}
