/* f9_uring_openat_stale: a dirfd of ALLOWED/rtm9_ursub; a daemon (started before the recording) moves the directory to
 * SCRATCH/rtm9_real_ur; IORING_OP_OPENAT(dirfd, "rtm9_uring", O_CREAT): an open that is not
 * an open syscall, relative to the moved directory. */
#include "r9.h"
#define SUB ALLOWED "/rtm9_ursub"
#define REAL SCRATCH "/rtm9_real_ur"
#define GO ALLOWED "/rtm9_go"
int main(int argc, char **argv)
{
    if (mover_phases(argc, argv, SUB, REAL, GO, 1))
        return 0;
    int dfd = mover_dirfd(SUB, GO, 0);
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e = uring_create_sqe("rtm9_uring");
    e.fd = dfd;
    int fd = ring_run(&r, &e);
    if (fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("IORING_OP_OPENAT: %d", fd);
    did("IORING_OP_OPENAT(dirfd of %s (moved to %s), rtm9_uring, O_CREAT); real file exists: %s", SUB, REAL, yes_no(REAL "/rtm9_uring"));
    return 0;
}
