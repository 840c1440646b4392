/* c8_reboot_pidns: reboot(2) (CAP_SYS_BOOT) from the init of a private pid namespace: the
 * kernel does not power anything off, it kills that namespace's init and reports SIGINT to its
 * parent. Called only when getpid() is 1 and the child's /proc/self/ns/pid differs from the
 * parent's (a new namespace is never the initial one), so the call can never reach the host. */
#include "r8.h"
#include <linux/reboot.h>
int main(void)
{
    char host[64] = "", mine[64] = "";
    if (readlink("/proc/self/ns/pid", host, sizeof host - 1) < 0)
        DIE("readlink /proc/self/ns/pid");
    if (unshare(CLONE_NEWPID) < 0)
        DIE("unshare(CLONE_NEWPID)");
    pid_t c = fork();
    if (c < 0)
        DIE("fork");
    if (c == 0) {
        if (readlink("/proc/self/ns/pid", mine, sizeof mine - 1) < 0 || strcmp(host, mine) == 0 || getpid() != 1)
            _exit(3); /* not the init of a private pid namespace: never call reboot */
        syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, NULL);
        _exit(4);
    }
    int st = 0;
    waitpid(c, &st, 0);
    if (WIFSIGNALED(st))
        did("reboot(POWER_OFF) in a private pid ns: its init was killed by signal %d (%s)", WTERMSIG(st),
            WTERMSIG(st) == SIGINT ? "SIGINT, the pid namespace's power-off" : "other");
    else
        did("reboot in a private pid ns: child exited %d (not done)", WEXITSTATUS(st));
    return 0;
}
