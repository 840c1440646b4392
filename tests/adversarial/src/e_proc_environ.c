/* Read the environment of the parent process from /proc/PPID/environ. */
#include "rt.h"
int main(void) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/environ", getppid());
    int fd = open(path, O_RDONLY);
    if (fd < 0) DIE("open environ");
    (void)!read(fd, buf, sizeof buf);
    close(fd);
    return 0;
}
