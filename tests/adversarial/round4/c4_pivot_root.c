/* pivot_root(2) (CAP_SYS_ADMIN) inside a mount namespace the program makes: a tmpfs under the
 * scratch dir becomes / and the old root is detached. The host's mounts are untouched. */
#include "r4.h"
#define NEW SCRATCH "/rtm4_pivot"
int main(void)
{
    if (unshare(CLONE_NEWNS) < 0)
        DIE("unshare(CLONE_NEWNS)");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        DIE("make / private");
    mkdir(NEW, 0755);
    if (mount("tmpfs", NEW, "tmpfs", 0, "size=1m") < 0)
        DIE("mount tmpfs");
    mkdir(NEW "/old", 0755);
    if (syscall(SYS_pivot_root, NEW, NEW "/old") < 0)
        DIE("pivot_root");
    if (chdir("/") < 0)
        DIE("chdir");
    int had_old = access("/old/proc", F_OK) == 0;
    if (umount2("/old", MNT_DETACH) < 0)
        DIE("umount old root");
    did("pivot_root(%s, %s/old): old root was at /old: %s; detached", NEW, NEW, had_old ? "yes" : "no");
    return 0;
}
