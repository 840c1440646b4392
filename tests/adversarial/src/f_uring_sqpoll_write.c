/* An SQPOLL ring: the kernel's poller thread picks up an IORING_OP_OPENAT the process wrote into
 * shared memory, without the process making any syscall for it. */
#include "uring.h"
int main(void) {
    rt_scratch();
    struct ring r;
    ring_init(&r, IORING_SETUP_SQPOLL);
    struct io_uring_sqe e = uring_create_sqe(SCRATCH "/rtm_uring_sqpoll");
    int fd = ring_run(&r, &e);
    if (fd < 0) { errno = -fd; DIE("sqpoll openat"); }
    return 0;
}
