/* e7_fsmount_proc_environ: a second procfs instance made with fsopen("proc") + fsmount (a
 * detached mount, never attached to a path) in a private mount namespace; the program reads
 * openat(mntfd, "self/environ"): no path under /proc. */
#include "r7.h"
#include <sched.h>
#include <linux/mount.h>
int main(void)
{
    if (unshare(CLONE_NEWNS) < 0)
        DIE("unshare");
    int fs = syscall(SYS_fsopen, "proc", 0);
    if (fs < 0)
        DIE("fsopen proc");
    if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        DIE("fsconfig");
    int mnt = syscall(SYS_fsmount, fs, 0, 0);
    if (mnt < 0)
        DIE("fsmount");
    int fd = openat(mnt, "self/environ", O_RDONLY);
    if (fd < 0)
        DIE("openat self/environ");
    static char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    const char *v = "(absent)";
    for (ssize_t i = 0; i < n; i += strlen(buf + i) + 1)
        if (strncmp(buf + i, "RTM7_FSMOUNT_ENV=", 17) == 0)
            v = buf + i + 17;
    did("RTM7_FSMOUNT_ENV -> %s", v);
    return 0;
}
