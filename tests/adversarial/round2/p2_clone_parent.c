/* clone(CLONE_PARENT|CLONE_VM|CLONE_VFORK): the child is the caller's sibling, a child of
 * whoever started the caller (here the recorder itself), and execs from a private stack. */
#include "common.h"
#include <sched.h>
static int child(void *arg)
{
    (void)arg;
    char *argv[] = {"/bin/true", "rtm2_clone_parent", NULL};
    execve("/bin/true", argv, NULL);
    _exit(127);
}
int main(void)
{
    static char stack[65536];
    int pid = clone(child, stack + sizeof stack, CLONE_PARENT | CLONE_VM | CLONE_VFORK, NULL);
    if (pid < 0)
        DIE("clone");
    did("clone(CLONE_PARENT|CLONE_VM|CLONE_VFORK) child %d exec'd /bin/true rtm2_clone_parent; its parent is pid %d", pid, getppid());
    usleep(200000);
    return 0;
}
