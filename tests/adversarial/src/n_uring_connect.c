/* IORING_OP_SOCKET + IORING_OP_CONNECT: a TCP connect made by io_uring, no socket(2)/connect(2). */
#include "uring.h"
#include "net.h"
int main(void) {
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e = {.opcode = IORING_OP_SOCKET, .fd = AF_INET, .off = SOCK_STREAM};
    int s = ring_run(&r, &e);
    if (s < 0) { errno = -s; DIE("uring socket"); }
    struct sockaddr_in a = lo4("127.0.0.1", 47006);
    struct io_uring_sqe c = {.opcode = IORING_OP_CONNECT, .fd = s};
    c.addr = (unsigned long)&a;
    c.off = sizeof a;
    ring_run(&r, &c); /* refused: nothing listens */
    return 0;
}
