/* IORING_OP_RENAMEAT: a file made before the recording renamed to the marker name by io_uring,
 * no rename(2) syscall. */
#include "uring4.h"
#define FROM SCRATCH "/rtm4_uring_from"
#define TO SCRATCH "/rtm4_uring_renamed"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(FROM, 16);
        return 0;
    }
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e = {.opcode = IORING_OP_RENAMEAT, .fd = AT_FDCWD};
    e.addr = (unsigned long)FROM;
    e.len = AT_FDCWD;
    e.addr2 = (unsigned long)TO;
    int res = ring_run(&r, &e);
    did("IORING_OP_RENAMEAT %s -> %s: %d", FROM, TO, res);
    return res < 0;
}
