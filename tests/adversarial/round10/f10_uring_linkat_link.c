/* f10_uring_linkat_link: IORING_OP_LINKAT(ALLOWED/rtm10_lsrc -> ALLOWED "/lnk/rtm10_uring_link")
 * and IORING_OP_SYMLINKAT("/etc/shadow", ALLOWED "/lnk/rtm10_uring_symlink") where ALLOWED/lnk
 * -> SCRATCH/rtm10_real_ul (install-made): a hard link and a symlink made outside by names that
 * read as inside. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_ul"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL);
        mkdir_p(ALLOWED);
        write_file(ALLOWED "/rtm10_lsrc", "rtm10 linked by a ring\n");
        if (symlink(REAL, ALLOWED "/lnk") < 0)
            DIE("symlink");
        return 0;
    }
    struct ring r;
    ring_init(&r, 0);
    static const char from[] = ALLOWED "/rtm10_lsrc", to[] = ALLOWED "/lnk/rtm10_uring_link";
    struct io_uring_sqe e = {.opcode = IORING_OP_LINKAT, .fd = AT_FDCWD, .len = AT_FDCWD};
    e.addr = (unsigned long)from;
    e.addr2 = (unsigned long)to;
    int res = ring_run(&r, &e);
    if (res < 0) {
        errno = -res;
        DIE("IORING_OP_LINKAT");
    }
    static const char target[] = "/etc/shadow", sl[] = ALLOWED "/lnk/rtm10_uring_symlink";
    struct io_uring_sqe s = {.opcode = IORING_OP_SYMLINKAT, .fd = AT_FDCWD};
    s.addr = (unsigned long)target;
    s.addr2 = (unsigned long)sl;
    res = ring_run(&r, &s);
    if (res < 0) {
        errno = -res;
        DIE("IORING_OP_SYMLINKAT");
    }
    did("IORING_OP_LINKAT %s -> %s, IORING_OP_SYMLINKAT %s; real link exists: %s, real symlink exists: %s", from, to, sl,
        yes_no(REAL "/rtm10_uring_link"), yes_no(REAL "/rtm10_uring_symlink"));
    return 0;
}
