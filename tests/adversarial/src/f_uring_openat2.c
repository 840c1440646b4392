/* IORING_OP_OPENAT2 (struct open_how) and IORING_OP_FTRUNCATE (Linux 6.9). */
#include "uring.h"
#include <linux/openat2.h>
#define OP_FTRUNCATE 55
int main(void) {
    rt_scratch();
    struct ring r;
    ring_init(&r, 0);
    struct open_how how = {.flags = O_WRONLY | O_CREAT | O_TRUNC, .mode = 0600};
    struct io_uring_sqe e = {.opcode = IORING_OP_OPENAT2, .fd = AT_FDCWD, .len = sizeof how};
    e.addr = (unsigned long)SCRATCH "/rtm_uring_openat2";
    e.addr2 = (unsigned long)&how;
    int fd = ring_run(&r, &e);
    if (fd < 0) { errno = -fd; DIE("uring openat2"); }
    struct io_uring_sqe t = {.opcode = OP_FTRUNCATE, .fd = fd, .off = 4096};
    int res = ring_run(&r, &t);
    if (res < 0) { errno = -res; DIE("uring ftruncate"); }
    return 0;
}
