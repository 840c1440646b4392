/* vfork + execve: the child borrows the parent's memory until it execs. */
#include "rt.h"
int main(void) {
    pid_t p = vfork();
    if (p == 0) {
        execl("/bin/true", "true", "rtm_vfork_exec", (char *)NULL);
        _exit(127);
    }
    rt_wait_all();
    return 0;
}
