/* f9_linkat_stale: a dirfd of ALLOWED/rtm9_lnsub; a daemon (started before the recording) moves the directory to
 * SCRATCH/rtm9_real_ln; linkat(AT_FDCWD, ALLOWED/rtm9_src, dirfd, "rtm9_linkat", 0): a new
 * name outside the allowed dir, relative to the moved directory (linkat is not walked). */
#include "r9.h"
#define SUB ALLOWED "/rtm9_lnsub"
#define REAL SCRATCH "/rtm9_real_ln"
#define GO ALLOWED "/rtm9_go"
int main(int argc, char **argv)
{
    if (mover_phases(argc, argv, SUB, REAL, GO, 1))
        return 0;
    int dfd = mover_dirfd(SUB, GO, 0);
    if (linkat(AT_FDCWD, ALLOWED "/rtm9_src", dfd, "rtm9_linkat", 0) < 0)
        DIE("linkat");
    did("linkat(%s/rtm9_src, dirfd of %s (moved to %s), rtm9_linkat); real link exists: %s", ALLOWED, SUB, REAL, yes_no(REAL "/rtm9_linkat"));
    return 0;
}
