/* A time namespace whose CLOCK_MONOTONIC is 10^6 s ahead, for the child only. */
#include "rt.h"
int main(void) {
    if (unshare(CLONE_NEWTIME) < 0) DIE("unshare");
    int fd = open("/proc/self/timens_offsets", O_WRONLY);
    if (fd < 0 || write(fd, "monotonic 1000000 0", 19) < 0) DIE("offsets");
    close(fd);
    pid_t p = fork();
    if (p == 0) _exit(0);
    rt_wait_all();
    return 0;
}
