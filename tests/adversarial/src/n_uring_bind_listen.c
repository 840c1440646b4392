/* IORING_OP_BIND + IORING_OP_LISTEN (Linux 6.11): a listening port opened through io_uring. */
#include "uring.h"
#include "net.h"
#ifndef IORING_OP_BIND
#define IORING_OP_BIND 56
#define IORING_OP_LISTEN 57
#endif
int main(void) {
    struct ring r;
    ring_init(&r, 0);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = lo4("127.0.0.1", 47007);
    struct io_uring_sqe b = {.opcode = IORING_OP_BIND, .fd = s};
    b.addr = (unsigned long)&a;
    b.addr2 = sizeof a;
    int res = ring_run(&r, &b);
    if (res < 0) { errno = -res; DIE("uring bind"); }
    struct io_uring_sqe l = {.opcode = IORING_OP_LISTEN, .fd = s, .len = 8};
    res = ring_run(&r, &l);
    if (res < 0) { errno = -res; DIE("uring listen"); }
    return 0;
}
