/* A worker re-exec'd with a secret in argv (rtm4_proctitle_secret) that at once overwrites its
 * argv area and its comm (setproctitle style, as nginx/postgres do) to look like a kernel
 * thread; anything reading /proc/PID/cmdline or comm after the exec sees only the disguise. */
#include "r4.h"
int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "child") == 0) {
        char *start = argv[0], *end = argv[argc - 1] + strlen(argv[argc - 1]);
        memset(start, 0, end - start);
        strcpy(start, "[kworker/0:1]");
        prctl(PR_SET_NAME, "kworker/0:1");
        usleep(300000);
        did("worker rewrote its argv and comm to [kworker/0:1]");
        return 0;
    }
    char self[512];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0)
        DIE("readlink");
    self[n] = 0;
    pid_t p = fork();
    if (p == 0) {
        execl(self, "p4_setproctitle", "child", "rtm4_proctitle_secret", (char *)NULL);
        _exit(127);
    }
    waitpid(p, NULL, 0);
    return 0;
}
