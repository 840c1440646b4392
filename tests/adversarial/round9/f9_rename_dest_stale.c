/* f9_rename_dest_stale: a dirfd of ALLOWED/rtm9_rdsub; a daemon (started before the recording) moves the directory to
 * SCRATCH/rtm9_real_rd; renameat(AT_FDCWD, ALLOWED/rtm9_src, dirfd, "rtm9_rename_dest"): the
 * destination is relative to the moved directory, and only a rename's source is walked. */
#include "r9.h"
#define SUB ALLOWED "/rtm9_rdsub"
#define REAL SCRATCH "/rtm9_real_rd"
#define GO ALLOWED "/rtm9_go"
int main(int argc, char **argv)
{
    if (mover_phases(argc, argv, SUB, REAL, GO, 1))
        return 0;
    int dfd = mover_dirfd(SUB, GO, 0);
    if (renameat(AT_FDCWD, ALLOWED "/rtm9_src", dfd, "rtm9_rename_dest") < 0)
        DIE("renameat");
    did("renameat(%s/rtm9_src -> dirfd of %s (moved to %s), rtm9_rename_dest); real file exists: %s", ALLOWED, SUB, REAL, yes_no(REAL "/rtm9_rename_dest"));
    return 0;
}
