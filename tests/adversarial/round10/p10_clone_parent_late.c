/* p10_clone_parent_late: clone(CLONE_PARENT | SIGCHLD) (no CLONE_VM, no vfork): the child is a
 * child of the program's parent (the recorder, or whatever started the program), not of the
 * program. The program exits at once; 1 s later the child execs /usr/bin/touch
 * SCRATCH/rtm10_clone_parent_late. */
#include "r10.h"
#include <sched.h>
static char stack[65536];
static int child(void *arg)
{
    (void)arg;
    sleep(1);
    char *args[] = {"touch", SCRATCH "/rtm10_clone_parent_late", NULL};
    execv("/usr/bin/touch", args);
    _exit(127);
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(SCRATCH);
        return 0;
    }
    pid_t c = clone(child, stack + sizeof stack, CLONE_PARENT | SIGCHLD, NULL);
    if (c < 0)
        DIE("clone(CLONE_PARENT)");
    did("clone(CLONE_PARENT) child %d (a sibling of this program) will exec touch in 1 s; the program exits now", c);
    return 0;
}
