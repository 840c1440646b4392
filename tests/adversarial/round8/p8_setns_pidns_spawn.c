/* p8_setns_pidns_spawn: a daemon started before the recording (a container runtime) holds a
 * pid namespace whose init sleeps. The program joins it for its children with
 * setns(pidfd_open(init), CLONE_NEWPID), then fork + execve(/bin/touch rtm8_pidns_spawn): the
 * child is the program's, but its pid lives in another namespace (it is pid 2 there). */
#include "r8.h"
#define INIT_PID SCRATCH "/rtm8_pidns_init.pid"
static void ns_daemon(void)
{
    if (unshare(CLONE_NEWPID) < 0)
        DIE("unshare(CLONE_NEWPID)");
    pid_t init = fork();
    if (init < 0)
        DIE("fork");
    if (init == 0) {
        alarm(60);
        for (;;)
            pause();
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%d", init);
    write_file(INIT_PID, buf);
    daemon_ready("rtm8_pidns");
    waitpid(init, NULL, 0);
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_daemon("rtm8_pidns", ns_daemon);
        return 0;
    }
    char buf[32] = "";
    if (is_cleanup(argc, argv)) {
        read_small(INIT_PID, buf, sizeof buf);
        if (atoi(buf) > 1)
            kill(atoi(buf), SIGKILL);
        stop_daemon("rtm8_pidns");
        return 0;
    }
    read_small(INIT_PID, buf, sizeof buf);
    int pfd = syscall(SYS_pidfd_open, atoi(buf), 0);
    if (pfd < 0)
        DIE("pidfd_open");
    if (setns(pfd, CLONE_NEWPID) < 0)
        DIE("setns(CLONE_NEWPID)");
    pid_t c = fork();
    if (c < 0)
        DIE("fork");
    if (c == 0) {
        execl("/bin/touch", "touch", SCRATCH "/rtm8_pidns_spawn", (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(c, &st, 0);
    did("fork + exec touch rtm8_pidns_spawn in the daemon's pid namespace -> status %d", WEXITSTATUS(st));
    return 0;
}
