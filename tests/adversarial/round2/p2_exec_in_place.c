/* Baseline for p2_thread_exec_after_leader_exit: the program execs another program in place
 * (no fork, no thread): the process now runs /bin/true. */
#include "common.h"
int main(void)
{
    did("execve /bin/true rtm2_exec_in_place in place, no fork");
    char *argv[] = {"/bin/true", "rtm2_exec_in_place", NULL};
    execve("/bin/true", argv, NULL);
    DIE("execve");
}
