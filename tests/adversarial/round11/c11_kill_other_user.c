/* A process of another user (a `sleep` run as nobody, started at install: a service already
 * running) is sent SIGTERM: signalling another user's process needs CAP_KILL. */
#include "r11.h"
static void sleeper(void)
{
    /* start_daemon() arms alarm(60); a loaded host may take longer than that to start the
     * recorder, so this daemon lives up to 300 s (cleanup stops it). */
    alarm(300);
    daemon_ready("nobodysleep");
    if (setgid(65534) < 0 || setuid(65534) < 0)
        DIE("drop to nobody");
    execl("/usr/bin/sleep", "sleep", "300", (char *)NULL);
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        chmod(SCRATCH, 0755);
        start_daemon("nobodysleep", sleeper);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("nobodysleep");
        return 0;
    }
    char p[64], buf[32] = "";
    snprintf(p, sizeof p, SCRATCH "/nobodysleep.pid");
    read_small(p, buf, sizeof buf);
    pid_t pid = atoi(buf);
    /* The sleeper says it is ready before it drops to nobody (it cannot write SCRATCH after). */
    struct stat st;
    snprintf(p, sizeof p, "/proc/%d", pid);
    int uid = -1;
    for (int i = 0; i < 100 && uid != 65534; i++) {
        uid = stat(p, &st) == 0 ? (int)st.st_uid : -1;
        if (uid != 65534)
            usleep(20000);
    }
    int r = pid > 1 && uid == 65534 ? kill(pid, SIGTERM) : -1;
    usleep(100000);
    did("kill(SIGTERM) of pid %d owned by uid %d -> %d (CAP_KILL); it is gone: %s", pid, uid, r, kill(pid, 0) < 0 ? "yes" : "no");
    return 0;
}
