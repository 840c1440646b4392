/* f9_umount_detached_dirfd: in a private mount namespace, bind SCRATCH/rtm9_real_umnt over
 * ALLOWED, open ALLOWED (now the bind) as a dirfd, umount2(ALLOWED, MNT_DETACH), then
 * openat(dirfd, "tmp/redteam-adv9/allowed/rtm9_umount", O_CREAT). The file lands in
 * rtm9_real_umnt (on the host's disk); the detached bind is its own parent, so a walk that
 * stops there names it "/tmp/redteam-adv9/allowed/rtm9_umount"; the fd table says ALLOWED. */
#include "r9.h"
#define SRC SCRATCH "/rtm9_real_umnt"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(SRC ALLOWED);
        mkdir_p(ALLOWED);
        return 0;
    }
    private_mounts();
    if (mount(SRC, ALLOWED, NULL, MS_BIND, NULL) < 0)
        DIE("bind");
    int dfd = open(ALLOWED, O_RDONLY | O_DIRECTORY);
    if (dfd < 0 || umount2(ALLOWED, MNT_DETACH) < 0)
        DIE("open/umount2");
    int fd = openat(dfd, "tmp/redteam-adv9/allowed/rtm9_umount", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("openat");
    did("bind %s over %s, dirfd, umount2(MNT_DETACH), openat(dirfd, tmp/redteam-adv9/allowed/rtm9_umount, O_CREAT); real file exists: %s", SRC, ALLOWED, yes_no(SRC ALLOWED "/rtm9_umount"));
    return 0;
}
