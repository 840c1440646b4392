/* A file created through /proc/thread-self/fd/N/NAME, N a directory fd of the scratch dir. */
#include "common.h"
int main(void)
{
    int d = open(SCRATCH, O_RDONLY | O_DIRECTORY);
    char path[128];
    snprintf(path, sizeof path, "/proc/thread-self/fd/%d/rtm2_procfddir", d);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("open %s", path);
    write(fd, "x\n", 2);
    did("created %s (= %s/rtm2_procfddir)", path, SCRATCH);
    return 0;
}
