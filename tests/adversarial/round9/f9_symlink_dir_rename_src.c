/* f9_symlink_dir_rename_src: renameat(dirfd of ALLOWED, "lnk/rtm9_sl_victim", dirfd of ALLOWED,
 * "rtm9_sl_taken") where ALLOWED/lnk is a symlink (made by the install) to
 * SCRATCH/rtm9_real_slr: a file outside the allowed dir is taken (removed from its place) by
 * a source path the walk joins to ALLOWED by name. */
#include "r9.h"
#define REAL SCRATCH "/rtm9_real_slr"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        touch_p(REAL "/rtm9_sl_victim");
        mkdir_p(ALLOWED);
        if (symlink(REAL, ALLOWED "/lnk") < 0)
            DIE("symlink");
        return 0;
    }
    int dfd = open(ALLOWED, O_RDONLY | O_DIRECTORY);
    if (dfd < 0 || renameat(dfd, "lnk/rtm9_sl_victim", dfd, "rtm9_sl_taken") < 0)
        DIE("renameat");
    did("renameat(dirfd of %s, lnk/rtm9_sl_victim -> rtm9_sl_taken); victim still in %s: %s", ALLOWED, REAL, yes_no(REAL "/rtm9_sl_victim"));
    return 0;
}
