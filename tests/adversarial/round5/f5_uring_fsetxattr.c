/* IORING_OP_FSETXATTR on a read-only fd: 1 KiB stored in user.rtm5_uring_fsetxattr of a
 * prepared file (round 4 did IORING_OP_SETXATTR by path; this one has only an fd). */
#include "r5.h"
#define F SCRATCH "/rtm5_uring_fsetxattr"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(F, 100);
        return 0;
    }
    int fd = open(F, O_RDONLY);
    if (fd < 0)
        DIE("open");
    static char val[1024];
    memset(val, 'x', sizeof val);
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e = {.opcode = IORING_OP_FSETXATTR, .fd = fd};
    e.addr = (unsigned long)"user.rtm5_uring_fsetxattr";
    e.addr2 = (unsigned long)val;
    e.len = sizeof val;
    int res = ring_run(&r, &e);
    char b[2048];
    did("IORING_OP_FSETXATTR -> %d; user.rtm5_uring_fsetxattr is %zd bytes", res, getxattr(F, "user.rtm5_uring_fsetxattr", b, sizeof b));
    return 0;
}
