/* IORING_OP_OPENAT: a file created by the kernel's io_uring worker, no open(2) syscall. */
#include "uring.h"
int main(void) {
    rt_scratch();
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e = uring_create_sqe(SCRATCH "/rtm_uring_openat");
    int fd = ring_run(&r, &e);
    if (fd < 0) { errno = -fd; DIE("uring openat"); }
    return 0;
}
