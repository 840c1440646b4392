/* IORING_OP_MKDIRAT: a directory made under the scratch dir (in /tmp) by io_uring, no mkdir(2). */
#include "uring4.h"
#define D SCRATCH "/rtm4_uring_mkdir"
int main(void)
{
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e = {.opcode = IORING_OP_MKDIRAT, .fd = AT_FDCWD};
    e.addr = (unsigned long)D;
    e.len = 0755;
    int res = ring_run(&r, &e);
    did("IORING_OP_MKDIRAT %s: %d", D, res);
    return res < 0;
}
