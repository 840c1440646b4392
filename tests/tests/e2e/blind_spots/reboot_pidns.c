/* A call that never returns (round 8's c8_reboot_pidns): reboot(LINUX_REBOOT_CMD_RESTART) from
 * the init of a private pid namespace does not restart anything; the kernel kills that
 * namespace's init inside the call (reboot_pid_ns ends in do_exit), so the syscall has no exit.
 * The call is made only when getpid() is 1 and /proc/self/ns/pid differs from the parent's: it
 * can never reach the host. Prints {"child_signal":N} (SIGHUP: the namespace's "restart"). */
#define _GNU_SOURCE
#include <linux/reboot.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    char host[64] = "", mine[64] = "";
    if (readlink("/proc/self/ns/pid", host, sizeof host - 1) < 0 || unshare(CLONE_NEWPID) < 0) {
        perror("unshare(CLONE_NEWPID)");
        return 1;
    }
    pid_t c = fork();
    if (c < 0)
        return 1;
    if (c == 0) {
        if (readlink("/proc/self/ns/pid", mine, sizeof mine - 1) < 0 || strcmp(host, mine) == 0 || getpid() != 1)
            _exit(3); /* not the init of a private pid namespace: never call reboot */
        syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_RESTART, NULL);
        _exit(4);
    }
    int st = 0;
    waitpid(c, &st, 0);
    printf("{\"child_signal\":%d,\"child_exit\":%d}\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0,
           WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return 0;
}
