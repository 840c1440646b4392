/* IORING_OP_SYMLINKAT and IORING_OP_LINKAT: rarer io_uring file operations. */
#include "uring.h"
int main(void) {
    rt_scratch();
    unlink(SCRATCH "/rtm_uring_symlinkat");
    unlink(SCRATCH "/rtm_uring_linkat");
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e = {.opcode = IORING_OP_SYMLINKAT, .fd = AT_FDCWD};
    e.addr = (unsigned long)"/etc/hostname";
    e.addr2 = (unsigned long)SCRATCH "/rtm_uring_symlinkat";
    int res = ring_run(&r, &e);
    if (res < 0) { errno = -res; DIE("uring symlinkat"); }
    struct io_uring_sqe l = {.opcode = IORING_OP_LINKAT, .fd = AT_FDCWD, .len = AT_FDCWD};
    l.addr = (unsigned long)SCRATCH "/rtm_uring_symlinkat";
    l.addr2 = (unsigned long)SCRATCH "/rtm_uring_linkat";
    res = ring_run(&r, &l);
    if (res < 0) { errno = -res; DIE("uring linkat"); }
    return 0;
}
