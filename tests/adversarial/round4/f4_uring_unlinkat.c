/* IORING_OP_UNLINKAT: a file made before the recording deleted by io_uring, no unlink(2). */
#include "uring4.h"
#define F SCRATCH "/rtm4_uring_unlink"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(F, 16);
        return 0;
    }
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e = {.opcode = IORING_OP_UNLINKAT, .fd = AT_FDCWD};
    e.addr = (unsigned long)F;
    int res = ring_run(&r, &e);
    did("IORING_OP_UNLINKAT %s: %d, exists now: %s", F, res, access(F, F_OK) == 0 ? "yes" : "no");
    return res < 0;
}
