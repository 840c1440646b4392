/* f9_chroot_cwd_outside: chdir(SCRATCH/rtm9_real_cwd), chroot(ALLOWED) WITHOUT chdir("/"), then
 * open("rtm9_chroot_cwd", O_CREAT): the cwd stays outside the new root (the classic chroot
 * escape), and the file lands in rtm9_real_cwd. A checker that puts every path of a chrooted
 * process below the new root puts this one below ALLOWED. */
#include "r9.h"
#define REAL SCRATCH "/rtm9_real_cwd"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL);
        mkdir_p(ALLOWED);
        return 0;
    }
    if (chdir(REAL) < 0 || chroot(ALLOWED) < 0)
        DIE("chdir/chroot");
    int fd = open("rtm9_chroot_cwd", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("open");
    /* The check below runs in the new root: look through the cwd. */
    did("chroot(%s) with the cwd left in %s; open(rtm9_chroot_cwd, O_CREAT); real file exists: %s", ALLOWED, REAL, yes_no("rtm9_chroot_cwd"));
    return 0;
}
