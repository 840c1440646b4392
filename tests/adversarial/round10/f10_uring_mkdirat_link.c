/* f10_uring_mkdirat_link: IORING_OP_MKDIRAT(AT_FDCWD, ALLOWED "/lnk/rtm10_uring_mkdir") where
 * ALLOWED/lnk -> SCRATCH/rtm10_real_um (install-made): a directory made outside by a path
 * through the allowed dir, from a ring (no mkdir syscall). */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_um"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL);
        mkdir_p(ALLOWED);
        if (symlink(REAL, ALLOWED "/lnk") < 0)
            DIE("symlink");
        return 0;
    }
    struct ring r;
    ring_init(&r, 0);
    static const char path[] = ALLOWED "/lnk/rtm10_uring_mkdir";
    struct io_uring_sqe e = {.opcode = IORING_OP_MKDIRAT, .fd = AT_FDCWD, .len = 0755};
    e.addr = (unsigned long)path;
    int res = ring_run(&r, &e);
    if (res < 0) {
        errno = -res;
        DIE("IORING_OP_MKDIRAT");
    }
    did("IORING_OP_MKDIRAT %s; real dir exists: %s", path, yes_no(REAL "/rtm10_uring_mkdir"));
    return 0;
}
