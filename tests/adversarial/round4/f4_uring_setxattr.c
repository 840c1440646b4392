/* IORING_OP_SETXATTR: 2 KiB stored in user.rtm4 of a file made before the recording, by path,
 * through io_uring (no setxattr(2), no open). */
#include "uring4.h"
#define F SCRATCH "/rtm4_uring_setxattr"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(F, 16);
        return 0;
    }
    static char data[2048];
    memset(data, 'u', sizeof data);
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e = {.opcode = IORING_OP_SETXATTR};
    e.addr = (unsigned long)"user.rtm4_uring";
    e.addr2 = (unsigned long)data;
    e.addr3 = (unsigned long)F;
    e.len = sizeof data;
    int res = ring_run(&r, &e);
    char back[4096];
    ssize_t n = getxattr(F, "user.rtm4_uring", back, sizeof back);
    did("IORING_OP_SETXATTR on %s: %d; user.rtm4_uring is %zd bytes", F, res, n);
    return res < 0;
}
