/* fork + execve("/proc/self/exe"): the child runs the package's own binary again in another
 * mode (a common "spawn a worker" pattern). A rule that does not count an exec of the target's
 * own program as a spawn would let "No processes spawned" hold. */
#include "r3.h"
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "rtm3_self_exe") == 0) {
        did("re-executed /proc/self/exe as a child (pid %d)", getpid());
        return 0;
    }
    pid_t p = fork();
    if (p == 0) {
        execl("/proc/self/exe", "worker", "rtm3_self_exe", (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(p, &st, 0);
    return 0;
}
