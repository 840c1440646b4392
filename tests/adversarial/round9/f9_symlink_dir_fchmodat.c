/* f9_symlink_dir_fchmodat: fchmodat(dirfd of ALLOWED, "lnk/rtm9_sl_chmod", 04755) where
 * ALLOWED/lnk is a symlink (made by the install) to SCRATCH/rtm9_real_slc: a setuid bit set on
 * a file outside the allowed dir, by a path the walk joins to ALLOWED by name. */
#include "r9.h"
#define REAL SCRATCH "/rtm9_real_slc"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        touch_p(REAL "/rtm9_sl_chmod");
        mkdir_p(ALLOWED);
        if (symlink(REAL, ALLOWED "/lnk") < 0)
            DIE("symlink");
        return 0;
    }
    int dfd = open(ALLOWED, O_RDONLY | O_DIRECTORY);
    if (dfd < 0 || fchmodat(dfd, "lnk/rtm9_sl_chmod", 04755, 0) < 0)
        DIE("fchmodat");
    struct stat st;
    stat(REAL "/rtm9_sl_chmod", &st);
    did("fchmodat(dirfd of %s, lnk/rtm9_sl_chmod, 04755); real mode now %o", ALLOWED, st.st_mode & 07777);
    return 0;
}
