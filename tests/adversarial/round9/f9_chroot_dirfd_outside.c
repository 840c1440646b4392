/* f9_chroot_dirfd_outside: a dirfd of SCRATCH/rtm9_real_cdfd opened before chroot(ALLOWED) +
 * chdir("/"), then openat(dirfd, "rtm9_chroot_dirfd", O_CREAT): a dirfd from before a chroot
 * still names a directory outside it, and the file lands there. */
#include "r9.h"
#define REAL SCRATCH "/rtm9_real_cdfd"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL);
        mkdir_p(ALLOWED);
        return 0;
    }
    int dfd = open(REAL, O_RDONLY | O_DIRECTORY);
    if (dfd < 0 || chroot(ALLOWED) < 0 || chdir("/") < 0)
        DIE("open/chroot");
    int fd = openat(dfd, "rtm9_chroot_dirfd", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("openat");
    struct stat st;
    did("dirfd of %s, chroot(%s), openat(dirfd, rtm9_chroot_dirfd, O_CREAT); real file exists: %s", REAL, ALLOWED, fstatat(dfd, "rtm9_chroot_dirfd", &st, 0) == 0 ? "yes" : "no");
    return 0;
}
