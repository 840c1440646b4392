/* New mount + net + UTS namespaces through clone3's flags (no unshare/setns call); the child
 * mounts a tmpfs in its private mount namespace. */
#include "rt.h"
#include <linux/sched.h>
#include <sys/mount.h>
int main(void) {
    rt_scratch();
    mkdir(SCRATCH "/plain_mnt", 0755);
    struct clone_args ca = {.flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS, .exit_signal = SIGCHLD};
    long p = syscall(SYS_clone3, &ca, sizeof ca);
    if (p < 0) DIE("clone3");
    if (p == 0) {
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
        if (mount("rtm_clone_newns", SCRATCH "/plain_mnt", "tmpfs", 0, NULL) < 0) _exit(1);
        _exit(0);
    }
    rt_wait_all();
    return 0;
}
