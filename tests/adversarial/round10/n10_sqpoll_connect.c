/* n10_sqpoll_connect: an SQPOLL ring (the kernel's iou-sqp thread reads the submission queue;
 * the program makes no io_uring_enter for the ops): IORING_OP_SOCKET then IORING_OP_CONNECT
 * to 127.0.0.2:47904, where the program's own listener accepts. */
#include "r10.h"
int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    struct sockaddr_in a = lo4(47904);
    a.sin_addr.s_addr = htonl(0x7f000002);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 4) < 0)
        DIE("listen 127.0.0.2:47904");
    struct ring r;
    ring_init(&r, IORING_SETUP_SQPOLL);
    struct io_uring_sqe e = {.opcode = IORING_OP_SOCKET, .fd = AF_INET, .off = SOCK_STREAM};
    int s = ring_run(&r, &e);
    if (s < 0) {
        errno = -s;
        DIE("IORING_OP_SOCKET");
    }
    struct io_uring_sqe c = {.opcode = IORING_OP_CONNECT, .fd = s};
    c.addr = (unsigned long)&a;
    c.off = sizeof a;
    int res = ring_run(&r, &c);
    if (res < 0) {
        errno = -res;
        DIE("IORING_OP_CONNECT");
    }
    int acc = accept(l, NULL, NULL);
    did("SQPOLL ring: IORING_OP_SOCKET -> fd %d, IORING_OP_CONNECT 127.0.0.2:47904 -> %d; accepted: %s", s, res, acc >= 0 ? "yes" : "no");
    return 0;
}
