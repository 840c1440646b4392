/* posix_spawn(3): glibc spawns with clone(CLONE_VM|CLONE_VFORK) and execs in the child. */
#include "common.h"
#include <spawn.h>
extern char **environ;
int main(void)
{
    pid_t pid;
    char *argv[] = {"/bin/true", "rtm2_posix_spawn", NULL};
    int rc = posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ);
    if (rc)
        { errno = rc; DIE("posix_spawn"); }
    waitpid(pid, NULL, 0);
    did("posix_spawn /bin/true rtm2_posix_spawn (pid %d)", pid);
    return 0;
}
