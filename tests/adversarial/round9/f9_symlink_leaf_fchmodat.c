/* f9_symlink_leaf_fchmodat: fchmodat(dirfd of ALLOWED, "rtm9_lnkleaf", 04755) where
 * ALLOWED/rtm9_lnkleaf is a symlink (made by the install) to SCRATCH/rtm9_real_leaf/rtm9_leaf:
 * chmod follows a last-component symlink, so the setuid bit lands on the target outside the
 * allowed dir; the walk names the dirfd's directory and joins the link's name to it. */
#include "r9.h"
#define REAL SCRATCH "/rtm9_real_leaf"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        touch_p(REAL "/rtm9_leaf");
        mkdir_p(ALLOWED);
        if (symlink(REAL "/rtm9_leaf", ALLOWED "/rtm9_lnkleaf") < 0)
            DIE("symlink");
        return 0;
    }
    int dfd = open(ALLOWED, O_RDONLY | O_DIRECTORY);
    if (dfd < 0 || fchmodat(dfd, "rtm9_lnkleaf", 04755, 0) < 0)
        DIE("fchmodat");
    struct stat st;
    stat(REAL "/rtm9_leaf", &st);
    did("fchmodat(dirfd of %s, rtm9_lnkleaf -> %s/rtm9_leaf, 04755); real mode now %o", ALLOWED, REAL, st.st_mode & 07777);
    return 0;
}
