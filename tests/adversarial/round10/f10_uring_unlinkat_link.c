/* f10_uring_unlinkat_link: IORING_OP_UNLINKAT(AT_FDCWD, ALLOWED "/lnk/rtm10_uring_unlink")
 * where ALLOWED/lnk -> SCRATCH/rtm10_real_uu (install-made): a file outside deleted by a path
 * through the allowed dir. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_uu"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        touch_p(REAL "/rtm10_uring_unlink");
        mkdir_p(ALLOWED);
        if (symlink(REAL, ALLOWED "/lnk") < 0)
            DIE("symlink");
        return 0;
    }
    struct ring r;
    ring_init(&r, 0);
    static const char path[] = ALLOWED "/lnk/rtm10_uring_unlink";
    struct io_uring_sqe e = {.opcode = IORING_OP_UNLINKAT, .fd = AT_FDCWD};
    e.addr = (unsigned long)path;
    int res = ring_run(&r, &e);
    if (res < 0) {
        errno = -res;
        DIE("IORING_OP_UNLINKAT");
    }
    did("IORING_OP_UNLINKAT %s; real file still exists: %s", path, yes_no(REAL "/rtm10_uring_unlink"));
    return 0;
}
