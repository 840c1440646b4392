/* IORING_OP_OPENAT: a file created by the kernel's io_uring worker, no open(2) syscall. */
#include "uring.h"
int main(void) {
    rt_scratch();
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e = {.opcode = IORING_OP_OPENAT, .fd = AT_FDCWD};
    e.addr = (unsigned long)SCRATCH "/rtm_uring_openat";
    e.open_flags = O_WRONLY | O_CREAT | O_TRUNC;
    e.len = 0600;
    int fd = ring_run(&r, &e);
    if (fd < 0) { errno = -fd; DIE("uring openat"); }
    return 0;
}
