/* IORING_OP_OPENAT whose path is in a never-touched file-backed page: the submission
 * tracepoint fires before the kernel's getname() faults the page in. */
#include "uring.h"
int main(void) {
    rt_scratch();
    const char *p = rt_unfaulted_string(SCRATCH "/plain_uring_pathsrc", SCRATCH "/rtm_uring_unfaulted");
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e = uring_create_sqe(p);
    int res = ring_run(&r, &e);
    if (res < 0) { errno = -res; DIE("uring openat"); }
    return 0;
}
