/* pidfd_getfd(2): duplicate an fd out of another (unrecorded) process and write through it. */
#include "rt.h"
int main(void) {
    FILE *f = fopen(SCRATCH "/helper.pid", "r");
    int pid, fdnum;
    if (!f || fscanf(f, "%d %d", &pid, &fdnum) != 2) DIE("helper.pid");
    fclose(f);
    int pfd = syscall(SYS_pidfd_open, pid, 0);
    if (pfd < 0) DIE("pidfd_open");
    int fd = syscall(SYS_pidfd_getfd, pfd, fdnum, 0);
    if (fd < 0) DIE("pidfd_getfd");
    if (write(fd, "rtm_pidfd_getfd\n", 16) < 0) DIE("write");
    return 0;
}
