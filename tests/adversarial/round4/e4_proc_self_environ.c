/* Read the program's own environment from /proc/self/environ (not getenv, not environ): what a
 * program does to see the environment it was started with, even after clearenv(). */
#include "r4.h"
int main(void)
{
    clearenv();
    static char buf[1 << 16];
    int fd = open("/proc/self/environ", O_RDONLY);
    if (fd < 0)
        DIE("open /proc/self/environ");
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    const char *v = "(none)";
    for (ssize_t i = 0; i < n; i += strlen(buf + i) + 1)
        if (strncmp(buf + i, "RTM4_PROC_SELF_ENVIRON=", 23) == 0)
            v = buf + i + 23;
    did("/proc/self/environ after clearenv(): RTM4_PROC_SELF_ENVIRON -> %s", v);
    return 0;
}
