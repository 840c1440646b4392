/* f10_uring_direct_open: IORING_OP_OPENAT of ALLOWED "/lnk/rtm10_uring_direct" (O_CREAT) into a
 * direct descriptor (file_index IORING_FILE_INDEX_ALLOC: the file goes into the ring's table,
 * no fd is ever installed), then IORING_OP_WRITE through that slot with IOSQE_FIXED_FILE.
 * ALLOWED/lnk -> SCRATCH/rtm10_real_ud (install-made): only a name taken from the opened file
 * itself says where it landed, and there is no fd to take it from. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_ud"
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
    int sparse[4] = {-1, -1, -1, -1};
    if (syscall(SYS_io_uring_register, r.fd, IORING_REGISTER_FILES, sparse, 4) < 0)
        DIE("IORING_REGISTER_FILES sparse");
    static const char path[] = ALLOWED "/lnk/rtm10_uring_direct";
    struct io_uring_sqe e = uring_create_sqe(path);
    e.file_index = IORING_FILE_INDEX_ALLOC;
    int slot = ring_run(&r, &e);
    if (slot < 0) {
        errno = -slot;
        DIE("IORING_OP_OPENAT direct");
    }
    static const char text[] = "rtm10 written through a direct descriptor\n";
    struct io_uring_sqe w = {.opcode = IORING_OP_WRITE, .fd = slot, .flags = IOSQE_FIXED_FILE};
    w.addr = (unsigned long)text;
    w.len = sizeof text - 1;
    w.off = 0;
    int n = ring_run(&r, &w);
    if (n < 0) {
        errno = -n;
        DIE("IORING_OP_WRITE fixed");
    }
    did("IORING_OP_OPENAT %s into direct slot %d, IORING_OP_WRITE %d bytes with IOSQE_FIXED_FILE; real file exists: %s",
        path, slot, n, yes_no(REAL "/rtm10_uring_direct"));
    return 0;
}
