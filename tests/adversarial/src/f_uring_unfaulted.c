/* IORING_OP_OPENAT whose path is in a never-touched file-backed page: the submission
 * tracepoint fires before the kernel's getname() faults the page in. */
#include "uring.h"
int main(void) {
    rt_scratch();
    static const char text[] = SCRATCH "/rtm_uring_unfaulted";
    int fd = open(SCRATCH "/plain_uring_pathsrc", O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, text, sizeof text) < 0) DIE("write");
    fdatasync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) DIE("mmap");
    close(fd);
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e = {.opcode = IORING_OP_OPENAT, .fd = AT_FDCWD};
    e.addr = (unsigned long)p;
    e.open_flags = O_WRONLY | O_CREAT | O_TRUNC;
    e.len = 0600;
    int res = ring_run(&r, &e);
    if (res < 0) { errno = -res; DIE("uring openat"); }
    return 0;
}
