/* unshare(CLONE_NEWPID): the child is pid 1 of a new pid namespace and spawns from there. */
#include "rt.h"
int main(void) {
    if (unshare(CLONE_NEWPID) < 0) DIE("unshare");
    pid_t p = fork();
    if (p == 0) {
        pid_t q = fork();
        if (q == 0) {
            execl("/bin/true", "true", "rtm_pidns_child", (char *)NULL);
            _exit(127);
        }
        rt_wait_all();
        _exit(0);
    }
    rt_wait_all();
    return 0;
}
