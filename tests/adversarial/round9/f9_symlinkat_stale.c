/* f9_symlinkat_stale: a dirfd of ALLOWED/rtm9_sysub; a daemon (started before the recording) moves the directory to
 * SCRATCH/rtm9_real_sy; symlinkat("/etc/passwd", dirfd, "rtm9_symlinkat") (symlinkat is not
 * walked). */
#include "r9.h"
#define SUB ALLOWED "/rtm9_sysub"
#define REAL SCRATCH "/rtm9_real_sy"
#define GO ALLOWED "/rtm9_go"
int main(int argc, char **argv)
{
    if (mover_phases(argc, argv, SUB, REAL, GO, 1))
        return 0;
    int dfd = mover_dirfd(SUB, GO, 0);
    if (symlinkat("/etc/passwd", dfd, "rtm9_symlinkat") < 0)
        DIE("symlinkat");
    did("symlinkat(/etc/passwd, dirfd of %s (moved to %s), rtm9_symlinkat); real link exists: %s", SUB, REAL, yes_no(REAL "/rtm9_symlinkat"));
    return 0;
}
