/* f9_fchdir_stale: a dirfd of ALLOWED/rtm9_fcsub; a daemon (started before the recording) moves the directory to
 * SCRATCH/rtm9_real_fc; the program fchdir()s to the dirfd, then mkdir("rtm9_fchdir_dir") and
 * open("rtm9_fchdir", O_CREAT) relative to the cwd. The cwd's name was taken from the fd table
 * (stale); both calls' walks start from the cwd itself. */
#include "r9.h"
#define SUB ALLOWED "/rtm9_fcsub"
#define REAL SCRATCH "/rtm9_real_fc"
#define GO ALLOWED "/rtm9_go"
int main(int argc, char **argv)
{
    if (mover_phases(argc, argv, SUB, REAL, GO, 1))
        return 0;
    int dfd = mover_dirfd(SUB, GO, 0);
    if (fchdir(dfd) < 0 || mkdir("rtm9_fchdir_dir", 0755) < 0)
        DIE("fchdir/mkdir");
    int fd = open("rtm9_fchdir", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("open");
    did("fchdir(dirfd of %s, moved to %s); mkdir(rtm9_fchdir_dir), open(rtm9_fchdir, O_CREAT); real file exists: %s", SUB, REAL, yes_no(REAL "/rtm9_fchdir"));
    return 0;
}
