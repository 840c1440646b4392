/* chroot into the real directory, then create a file by the allowed directory's absolute path. */
#include "common.h"
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        mkdir_p(ALLOWED);
        mkdir_p(SCRATCH "/rtm2_real_chroot" ALLOWED);
        return 0;
    }
    if (chroot(SCRATCH "/rtm2_real_chroot") < 0)
        DIE("chroot");
    chdir("/");
    int fd = open(ALLOWED "/data.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("open");
    write(fd, "x\n", 2);
    did("chroot %s/rtm2_real_chroot, created %s/data.txt in it", SCRATCH, ALLOWED);
    return 0;
}
