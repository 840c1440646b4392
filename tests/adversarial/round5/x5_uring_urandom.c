/* 32 key bytes from /dev/urandom through IORING_OP_OPENAT + IORING_OP_READ: no openat(2), no
 * read(2), no getrandom(2). */
#include "r5.h"
int main(void)
{
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e = {.opcode = IORING_OP_OPENAT, .fd = AT_FDCWD};
    e.addr = (unsigned long)"/dev/urandom";
    e.open_flags = O_RDONLY;
    int fd = ring_run(&r, &e);
    if (fd < 0) {
        errno = -fd;
        DIE("IORING_OP_OPENAT");
    }
    unsigned char key[32];
    struct io_uring_sqe rd = {.opcode = IORING_OP_READ, .fd = fd};
    rd.addr = (unsigned long)key;
    rd.len = sizeof key;
    int n = ring_run(&r, &rd);
    did("read %d key bytes from /dev/urandom through io_uring", n);
    return 0;
}
