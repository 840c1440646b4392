/* Double fork with a subreaper game: the middle process makes itself a child subreaper, forks,
 * drops the subreaper flag and exits; the grandchild is reparented (to the recorder, a
 * subreaper, or to init) and only then execs. */
#include "common.h"
#include <sys/prctl.h>
int main(void)
{
    pid_t mid = fork();
    if (mid == 0) {
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        pid_t middle = getpid();
        pid_t g = fork();
        if (g == 0) {
            while (getppid() == middle)
                usleep(10000);
            char *argv[] = {"/bin/true", "rtm2_orphan_reparent", NULL};
            execve("/bin/true", argv, NULL);
            _exit(127);
        }
        prctl(PR_SET_CHILD_SUBREAPER, 0);
        _exit(0);
    }
    waitpid(mid, NULL, 0);
    did("double fork: grandchild reparented away from its parent, then exec'd /bin/true rtm2_orphan_reparent");
    usleep(300000);
    return 0;
}
