/* A raw clone(CLONE_VM|CLONE_VFORK) on a private stack, the way posix_spawn does it. */
#include "rt.h"
static char stack[65536] __attribute__((aligned(16)));
static int child(void *unused) {
    (void)unused;
    char *argv[] = {"true", "rtm_clone_vm", NULL};
    execv("/bin/true", argv);
    _exit(127);
}
int main(void) {
    pid_t p = clone(child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
    if (p < 0) DIE("clone");
    rt_wait_all();
    return 0;
}
