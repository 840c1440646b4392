/* clone3 with CLONE_UNTRACED: a ptrace-based tracer (strace -f) is not attached to the child. */
#include "rt.h"
#include <linux/sched.h>
int main(void) {
    struct clone_args ca = {.flags = CLONE_UNTRACED, .exit_signal = SIGCHLD};
    long p = syscall(SYS_clone3, &ca, sizeof ca);
    if (p < 0) DIE("clone3");
    if (p == 0) {
        execl("/bin/true", "true", "rtm_clone3_untraced", (char *)NULL);
        _exit(127);
    }
    rt_wait_all();
    return 0;
}
