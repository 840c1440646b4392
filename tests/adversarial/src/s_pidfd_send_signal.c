/* Signals through pidfd_send_signal and rt_sigqueueinfo instead of kill/tkill/tgkill. */
#include "rt.h"
int main(void) {
    pid_t a = fork();
    if (a == 0) { for (;;) pause(); }
    pid_t b = fork();
    if (b == 0) { for (;;) pause(); }
    int pfd = syscall(SYS_pidfd_open, a, 0);
    if (pfd < 0) DIE("pidfd_open");
    if (syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0) < 0) DIE("pidfd_send_signal");
    siginfo_t si = {.si_signo = SIGTERM, .si_code = SI_QUEUE, .si_pid = getpid(), .si_uid = getuid()};
    if (syscall(SYS_rt_sigqueueinfo, b, SIGTERM, &si) < 0) DIE("rt_sigqueueinfo");
    rt_wait_all();
    return 0;
}
