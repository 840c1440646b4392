/* A shared fs struct (clone(CLONE_FS) without CLONE_THREAD): the parent chdir()s to the allowed
 * directory, a child sharing cwd chdir()s to the real one, the parent creates data.txt by a
 * relative path, in the real directory. */
#include "common.h"
#include <sched.h>
static int child(void *arg)
{
    (void)arg;
    return chdir(SCRATCH "/rtm2_real_clonefs");
}
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        mkdir_p(ALLOWED);
        mkdir_p(SCRATCH "/rtm2_real_clonefs");
        return 0;
    }
    static char stack[65536];
    chdir(ALLOWED);
    int pid = clone(child, stack + sizeof stack, CLONE_FS | SIGCHLD, NULL);
    waitpid(pid, NULL, 0);
    int fd = open("data.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("open");
    write(fd, "x\n", 2);
    did("created %s/rtm2_real_clonefs/data.txt (cwd changed by a CLONE_FS child after chdir %s)", SCRATCH, ALLOWED);
    return 0;
}
