/* c7_fsopen_fsmount: a tmpfs mounted with the new mount API (fsopen, fsconfig, fsmount,
 * move_mount: no mount(2)) in a private mount namespace (CAP_SYS_ADMIN). */
#include "r7.h"
#include <sched.h>
#include <linux/mount.h>
int main(void)
{
    if (unshare(CLONE_NEWNS) < 0)
        DIE("unshare");
    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    mkdir_p(SCRATCH "/rtm7_fsmount");
    int fs = syscall(SYS_fsopen, "tmpfs", 0);
    if (fs < 0)
        DIE("fsopen");
    if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "1m", 0) < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        DIE("fsconfig");
    int mnt = syscall(SYS_fsmount, fs, 0, 0);
    if (mnt < 0)
        DIE("fsmount");
    if (syscall(SYS_move_mount, mnt, "", AT_FDCWD, SCRATCH "/rtm7_fsmount", MOVE_MOUNT_F_EMPTY_PATH) < 0)
        DIE("move_mount");
    struct stat a, b;
    stat(SCRATCH, &a);
    stat(SCRATCH "/rtm7_fsmount", &b);
    did("tmpfs mounted on rtm7_fsmount by fsmount+move_mount: %s", a.st_dev != b.st_dev ? "yes" : "no");
    return 0;
}
