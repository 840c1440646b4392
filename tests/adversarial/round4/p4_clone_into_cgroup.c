/* clone3(CLONE_INTO_CGROUP): the child starts in another cgroup (v2, a child cgroup the install
 * made: prepare), never in the parent's, and execs grep rtm4_cg /proc/self/cgroup. A recorder
 * that follows the target by cgroup membership loses it. cleanup removes the cgroup. */
#include "r4.h"
#include <linux/sched.h>
#define CG "/sys/fs/cgroup/unified/rtm4_cg"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        if (mkdir(CG, 0755) < 0 && errno != EEXIST)
            DIE("mkdir %s", CG);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "cleanup") == 0) {
        rmdir(CG);
        return 0;
    }
    int cg = open(CG, O_RDONLY | O_DIRECTORY);
    if (cg < 0)
        DIE("open %s", CG);
    struct clone_args ca = {.flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = cg};
    long pid = syscall(SYS_clone3, &ca, sizeof ca);
    if (pid < 0)
        DIE("clone3(CLONE_INTO_CGROUP)");
    if (pid == 0) {
        execl("/bin/grep", "grep", "rtm4_cg", "/proc/self/cgroup", (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    did("clone3(CLONE_INTO_CGROUP %s) child exec'd grep: status %d", CG, WEXITSTATUS(st));
    rmdir(CG);
    return 0;
}
