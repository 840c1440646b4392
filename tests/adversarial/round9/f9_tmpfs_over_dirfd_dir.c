/* f9_tmpfs_over_dirfd_dir: in a private mount namespace, a dirfd of SCRATCH/rtm9_real_tmpfs,
 * then a tmpfs mounted over that directory, then openat(dirfd, "rtm9_tmpfs_under", O_CREAT):
 * the file lands in the covered directory on disk (the dirfd is below the tmpfs), not in the
 * tmpfs the path now shows. */
#include "r9.h"
#define REAL SCRATCH "/rtm9_real_tmpfs"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL);
        return 0;
    }
    private_mounts();
    int dfd = open(REAL, O_RDONLY | O_DIRECTORY);
    if (dfd < 0 || mount("tmpfs", REAL, "tmpfs", 0, "size=64k") < 0)
        DIE("open/mount tmpfs");
    int fd = openat(dfd, "rtm9_tmpfs_under", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("openat");
    did("dirfd of %s, tmpfs over it, openat(dirfd, rtm9_tmpfs_under, O_CREAT); in the tmpfs: %s", REAL, yes_no(REAL "/rtm9_tmpfs_under"));
    return 0;
}
