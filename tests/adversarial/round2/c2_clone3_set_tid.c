/* clone3 with set_tid (CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN): the child gets the pid we
 * choose. */
#include "common.h"
#include <linux/sched.h>
int main(void)
{
    int last = 0;
    FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "r");
    if (f)
        fscanf(f, "%d", &last), fclose(f);
    for (pid_t want = last + 777; want < last + 877; want++) {
        struct clone_args ca = {.exit_signal = SIGCHLD, .set_tid = (uint64_t)(uintptr_t)&want, .set_tid_size = 1};
        long pid = syscall(SYS_clone3, &ca, sizeof ca);
        if (pid == 0)
            _exit(0);
        if (pid > 0) {
            waitpid(pid, NULL, 0);
            did("clone3 set_tid: child got the chosen pid %ld", pid);
            return 0;
        }
        if (errno != EEXIST)
            DIE("clone3");
    }
    return 1;
}
