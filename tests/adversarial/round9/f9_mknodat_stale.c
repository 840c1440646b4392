/* f9_mknodat_stale: a dirfd of ALLOWED/rtm9_mksub; a daemon (started before the recording) moves the directory to
 * SCRATCH/rtm9_real_mk; mknodat(dirfd, "rtm9_mknodat", S_IFIFO) (mknodat is not walked). */
#include "r9.h"
#define SUB ALLOWED "/rtm9_mksub"
#define REAL SCRATCH "/rtm9_real_mk"
#define GO ALLOWED "/rtm9_go"
int main(int argc, char **argv)
{
    if (mover_phases(argc, argv, SUB, REAL, GO, 1))
        return 0;
    int dfd = mover_dirfd(SUB, GO, 0);
    if (mknodat(dfd, "rtm9_mknodat", S_IFIFO | 0600, 0) < 0)
        DIE("mknodat");
    did("mknodat(dirfd of %s (moved to %s), rtm9_mknodat, S_IFIFO); real fifo exists: %s", SUB, REAL, yes_no(REAL "/rtm9_mknodat"));
    return 0;
}
