/* Create, size with ftruncate, write through a MAP_SHARED mapping and msync: no write(2) at all. */
#include "rt.h"
int main(void) {
    rt_scratch();
    int fd = open(SCRATCH "/rtm_mmap_msync", O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) DIE("open");
    if (ftruncate(fd, 4096) < 0) DIE("ftruncate");
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) DIE("mmap");
    close(fd);
    memcpy(p, "written through mmap\n", 21);
    if (msync(p, 4096, MS_SYNC) < 0) DIE("msync");
    munmap(p, 4096);
    return 0;
}
