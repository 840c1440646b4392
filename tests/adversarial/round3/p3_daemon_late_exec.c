/* A daemon that outlives the program: double fork + setsid; the program and its child exit at
 * once, and the grandchild, reparented to init, waits 1 s and only then execs /bin/touch. A
 * recording that ends with the target's exit misses everything the daemon does. */
#include "r3.h"
int main(void)
{
    pid_t p = fork();
    if (p == 0) {
        setsid();
        if (fork() == 0) {
            sleep(1);
            execl("/bin/touch", "touch", SCRATCH "/rtm3_daemon_late_exec", (char *)NULL);
            _exit(127);
        }
        _exit(0);
    }
    int st;
    waitpid(p, &st, 0);
    did("double fork + setsid; the grandchild will exec /bin/touch in 1 s");
    return 0;
}
