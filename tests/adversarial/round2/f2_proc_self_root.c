/* A temp file by way of the /proc/self/root magic link: /proc/self/root/tmp/... is /tmp/... */
#include "common.h"
int main(void)
{
    int fd = open("/proc/self/root" SCRATCH "/rtm2_procroot", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("open");
    write(fd, "x\n", 2);
    did("created /proc/self/root%s/rtm2_procroot (= %s/rtm2_procroot)", SCRATCH, SCRATCH);
    return 0;
}
