/* posix_spawnp(3) with POSIX_SPAWN_SETSID|RESETIDS|SETSIGMASK|SETSIGDEF: a PATH lookup and a
 * new session made inside the spawn child, before its exec. */
#include "common.h"
#include <spawn.h>
extern char **environ;
int main(void)
{
    pid_t pid;
    posix_spawnattr_t at;
    sigset_t all;
    posix_spawnattr_init(&at);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&at, &all);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_RESETIDS | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    setenv("PATH", "/nonexistent:/usr/bin:/bin", 1);
    char *argv[] = {"true", "rtm2_posix_spawnp", NULL};
    int rc = posix_spawnp(&pid, "true", NULL, &at, argv, environ);
    if (rc)
        { errno = rc; DIE("posix_spawnp"); }
    waitpid(pid, NULL, 0);
    did("posix_spawnp true rtm2_posix_spawnp with SETSID (pid %d)", pid);
    return 0;
}
