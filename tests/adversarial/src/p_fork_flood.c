/* A capped burst: 20 workers each fork 50 short-lived children (1000 forks in about a second),
 * then one last child execs the marker. Hard cap: at most 1021 processes in total. */
#include "rt.h"
int main(void) {
    for (int w = 0; w < 20; w++) {
        if (fork() == 0) {
            for (int i = 0; i < 50; i++)
                if (fork() == 0) _exit(0);
            rt_wait_all();
            _exit(0);
        }
    }
    rt_wait_all();
    if (fork() == 0) {
        execl("/bin/true", "true", "rtm_fork_flood", (char *)NULL);
        _exit(127);
    }
    rt_wait_all();
    return 0;
}
