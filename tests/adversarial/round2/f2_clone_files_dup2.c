/* A shared fd table (clone(CLONE_FILES) without CLONE_THREAD): the parent opens the allowed
 * directory as fd N; a child process sharing the table dup2()s the real directory over N; the
 * parent then creates data.txt relative to fd N, in the real directory. */
#include "common.h"
#include <sched.h>
static int realfd, dirfd_n;
static int child(void *arg)
{
    (void)arg;
    dup2(realfd, dirfd_n);
    close(realfd);
    return 0;
}
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        mkdir_p(ALLOWED);
        mkdir_p(SCRATCH "/rtm2_real_clonefiles");
        return 0;
    }
    static char stack[65536];
    dirfd_n = open(ALLOWED, O_RDONLY | O_DIRECTORY);
    realfd = open(SCRATCH "/rtm2_real_clonefiles", O_RDONLY | O_DIRECTORY);
    int pid = clone(child, stack + sizeof stack, CLONE_FILES | SIGCHLD, NULL);
    waitpid(pid, NULL, 0);
    int fd = openat(dirfd_n, "data.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("openat");
    write(fd, "x\n", 2);
    did("created %s/rtm2_real_clonefiles/data.txt via fd %d (was %s, swapped by a CLONE_FILES child)", SCRATCH, dirfd_n, ALLOWED);
    return 0;
}
