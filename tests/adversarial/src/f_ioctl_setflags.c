/* chattr through ioctl(FS_IOC_SETFLAGS) on a file (made before recording) opened read-only: the file's attributes change,
 * and the only recorded call is a read-only open. */
#include "rt.h"
#include <linux/fs.h>
#include <sys/ioctl.h>
int main(int argc, char **argv) {
    rt_scratch();
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) { rt_write_file(SCRATCH "/rtm_ioctl_setflags", "x"); return 0; }
    int fd = open(SCRATCH "/rtm_ioctl_setflags", O_RDONLY);
    if (fd < 0) DIE("open");
    int flags = 0;
    if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0) DIE("getflags");
    flags |= FS_NODUMP_FL;
    if (ioctl(fd, FS_IOC_SETFLAGS, &flags) < 0) DIE("setflags");
    return 0;
}
