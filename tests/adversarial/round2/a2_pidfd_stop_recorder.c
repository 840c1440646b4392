/* pidfd_send_signal(recorder, SIGINT) instead of kill(2), while ignoring SIGTERM and SIGINT
 * ourselves; the spawn comes after the recording stops. */
#include "forge.h"
int main(void)
{
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    pid_t rec = find_recorder();
    int pfd = rec ? syscall(SYS_pidfd_open, rec, 0) : -1;
    long rc = pfd >= 0 ? syscall(SYS_pidfd_send_signal, pfd, SIGINT, NULL, 0) : -1;
    usleep(1500000);
    spawn_marker("rtm2_after_pidfd_signal");
    did("pidfd_send_signal(SIGINT) to the recorder %d rc=%ld, then spawned /bin/true rtm2_after_pidfd_signal", rec, rc);
    return 0;
}
