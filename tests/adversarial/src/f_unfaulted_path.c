/* The path lives in a file-backed private mapping that was never touched: its page is not
 * present until the kernel's own copy faults it in. A probe reading it at entry cannot. */
#include "rt.h"
int main(void) {
    rt_scratch();
    char name[] = SCRATCH "/plain_pathsrc";
    static const char text[] = SCRATCH "/rtm_unfaulted_path";
    int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, text, sizeof text) < 0) DIE("write");
    /* Drop the page from the cache too, so even a read-around cannot bring it in early. */
    fdatasync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) DIE("mmap");
    close(fd);
    int out = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0) DIE("open");
    close(out);
    return 0;
}
