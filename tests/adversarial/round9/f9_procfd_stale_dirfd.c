/* f9_procfd_stale_dirfd: a dirfd of ALLOWED/rtm9_pfsub; a daemon (started before the recording)
 * moves that directory to SCRATCH/rtm9_real_pf; the program then opens the ABSOLUTE path
 * "/proc/self/fd/N/rtm9_procfd" with O_CREAT. Round 8's stale dirfd, through a magic link:
 * an absolute path is not walked, and the fd table names the dirfd by its old name. */
#include "r9.h"
#define SUB ALLOWED "/rtm9_pfsub"
#define REAL SCRATCH "/rtm9_real_pf"
#define GO ALLOWED "/rtm9_go"
int main(int argc, char **argv)
{
    if (mover_phases(argc, argv, SUB, REAL, GO, 0))
        return 0;
    int dfd = mover_dirfd(SUB, GO, 0);
    char p[128];
    snprintf(p, sizeof p, "/proc/self/fd/%d/rtm9_procfd", dfd);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("open %s", p);
    did("dirfd of %s moved to %s by a daemon; open(%s, O_CREAT); real file exists: %s", SUB, REAL, p, yes_no(REAL "/rtm9_procfd"));
    return 0;
}
