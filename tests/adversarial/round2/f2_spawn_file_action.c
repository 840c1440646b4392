/* posix_spawn file actions: the spawn child (sharing our memory, before its exec) creates and
 * opens a file for writing as the new program's stdout; the program writes into it. */
#include "common.h"
#include <spawn.h>
extern char **environ;
int main(void)
{
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, SCRATCH "/rtm2_spawn_file_action", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char *argv[] = {"/bin/echo", "written through a spawn file action", NULL};
    int rc = posix_spawn(&pid, "/bin/echo", &fa, NULL, argv, environ);
    if (rc) {
        errno = rc;
        DIE("posix_spawn");
    }
    waitpid(pid, NULL, 0);
    did("posix_spawn file action created %s/rtm2_spawn_file_action", SCRATCH);
    return 0;
}
