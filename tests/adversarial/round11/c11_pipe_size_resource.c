/* fcntl(F_SETPIPE_SZ) to 2 MiB, past /proc/sys/fs/pipe-max-size (1 MiB by default): needs
 * CAP_SYS_RESOURCE. */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv))
        return 0;
    int p[2];
    pipe(p);
    char max[32] = "";
    read_small("/proc/sys/fs/pipe-max-size", max, sizeof max);
    int r = fcntl(p[0], F_SETPIPE_SZ, 2 << 20);
    did("F_SETPIPE_SZ 2 MiB (pipe-max-size %d) -> %d %s (CAP_SYS_RESOURCE) RTM11_pipe", atoi(max), r, r < 0 ? strerror(errno) : "");
    return 0;
}
