/* f9_chroot_inside: chroot(SCRATCH/rtm9_real_jail) + chdir("/tmp/redteam-adv9/allowed") (a
 * directory of the jail named like the host's allowed dir), then open("rtm9_chroot_in",
 * O_CREAT). The kernel walk stops at the process's root, so `real` is the name inside the
 * jail; the file is jail/tmp/redteam-adv9/allowed/rtm9_chroot_in on the host. The baseline
 * of the chroot techniques: the checker should put it below the jail. */
#include "r9.h"
#define JAIL SCRATCH "/rtm9_real_jail"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(JAIL ALLOWED);
        mkdir_p(ALLOWED);
        return 0;
    }
    if (chroot(JAIL) < 0 || chdir(ALLOWED) < 0)
        DIE("chroot/chdir");
    int fd = open("rtm9_chroot_in", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("open");
    did("chroot(%s), chdir(%s), open(rtm9_chroot_in, O_CREAT); done", JAIL, ALLOWED);
    return 0;
}
