/* Read the own environment with IORING_OP_OPENAT of /proc/self/environ + IORING_OP_READ:
 * no getenv, no openat(2), no read(2). */
#include "r5.h"
int main(void)
{
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e = {.opcode = IORING_OP_OPENAT, .fd = AT_FDCWD};
    e.addr = (unsigned long)"/proc/self/environ";
    e.open_flags = O_RDONLY;
    int fd = ring_run(&r, &e);
    if (fd < 0) {
        errno = -fd;
        DIE("IORING_OP_OPENAT");
    }
    static char buf[65536];
    struct io_uring_sqe rd = {.opcode = IORING_OP_READ, .fd = fd};
    rd.addr = (unsigned long)buf;
    rd.len = sizeof buf - 1;
    int n = ring_run(&r, &rd);
    const char *v = NULL;
    for (int i = 0; i < n; i += strlen(buf + i) + 1)
        if (strncmp(buf + i, "RTM5_URING_ENVIRON=", 19) == 0)
            v = buf + i + 19;
    did("RTM5_URING_ENVIRON through io_uring (%d bytes of environ) -> %s", n, v ? v : "(unset)");
    return 0;
}
