/* f10_uring_renameat_link: IORING_OP_RENAMEAT(ALLOWED/rtm10_usrc -> ALLOWED
 * "/lnk/rtm10_uring_rename") where ALLOWED/lnk -> SCRATCH/rtm10_real_ur (install-made): a file
 * moved out of the allowed dir by a new name that reads as inside it. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_ur"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL);
        mkdir_p(ALLOWED);
        write_file(ALLOWED "/rtm10_usrc", "rtm10 moved by a ring\n");
        if (symlink(REAL, ALLOWED "/lnk") < 0)
            DIE("symlink");
        return 0;
    }
    struct ring r;
    ring_init(&r, 0);
    static const char from[] = ALLOWED "/rtm10_usrc", to[] = ALLOWED "/lnk/rtm10_uring_rename";
    struct io_uring_sqe e = {.opcode = IORING_OP_RENAMEAT, .fd = AT_FDCWD, .len = AT_FDCWD};
    e.addr = (unsigned long)from;
    e.addr2 = (unsigned long)to;
    int res = ring_run(&r, &e);
    if (res < 0) {
        errno = -res;
        DIE("IORING_OP_RENAMEAT");
    }
    did("IORING_OP_RENAMEAT %s -> %s; real file exists: %s", from, to, yes_no(REAL "/rtm10_uring_rename"));
    return 0;
}
