/* f9_symlink_dir_openat: openat(dirfd of ALLOWED, "lnk/rtm9_sl_open", O_CREAT) where
 * ALLOWED/lnk is a symlink (made by the install) to SCRATCH/rtm9_real_slo. An open's walk
 * starts from the opened file itself: the baseline the other symlink techniques compare with. */
#include "r9.h"
#define REAL SCRATCH "/rtm9_real_slo"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL);
        mkdir_p(ALLOWED);
        if (symlink(REAL, ALLOWED "/lnk") < 0)
            DIE("symlink");
        return 0;
    }
    int dfd = open(ALLOWED, O_RDONLY | O_DIRECTORY);
    int fd = openat(dfd, "lnk/rtm9_sl_open", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (dfd < 0 || fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("openat");
    did("openat(dirfd of %s, lnk/rtm9_sl_open, O_CREAT); real file exists: %s", ALLOWED, yes_no(REAL "/rtm9_sl_open"));
    return 0;
}
