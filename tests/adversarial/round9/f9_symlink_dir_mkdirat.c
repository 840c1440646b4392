/* f9_symlink_dir_mkdirat: mkdirat(dirfd of ALLOWED, "lnk/rtm9_sl_mkdir") where ALLOWED/lnk is a
 * symlink (made by the install) to SCRATCH/rtm9_real_sl. The kernel walk names the dirfd's
 * directory (ALLOWED); the rest of the path is joined to it by name, so the symlink in it is
 * not followed. The directory lands in rtm9_real_sl. */
#include "r9.h"
#define REAL SCRATCH "/rtm9_real_sl"
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
    if (dfd < 0 || mkdirat(dfd, "lnk/rtm9_sl_mkdir", 0755) < 0)
        DIE("mkdirat");
    did("mkdirat(dirfd of %s, lnk/rtm9_sl_mkdir); real dir exists: %s", ALLOWED, yes_no(REAL "/rtm9_sl_mkdir"));
    return 0;
}
