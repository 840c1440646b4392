/* Signals to the recorder (its parent) by the calls other than kill: pidfd_send_signal through a
 * pidfd_open pidfd and through a /proc/PID directory fd, rt_sigqueueinfo, rt_tgsigqueueinfo.
 * SIGCONT and the existence probe (0) are harmless to a running recorder. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    pid_t recorder = getppid();
    int pidfd = syscall(SYS_pidfd_open, recorder, 0);
    if (pidfd < 0 || syscall(SYS_pidfd_send_signal, pidfd, SIGCONT, NULL, 0) != 0)
        perror("pidfd_send_signal");
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGCONT;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    if (syscall(SYS_rt_sigqueueinfo, recorder, SIGCONT, &si) != 0)
        perror("rt_sigqueueinfo");
    if (syscall(SYS_rt_tgsigqueueinfo, recorder, recorder, SIGCONT, &si) != 0)
        perror("rt_tgsigqueueinfo");
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%d", recorder);
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dirfd < 0 || syscall(SYS_pidfd_send_signal, dirfd, 0, NULL, 0) != 0)
        perror("pidfd_send_signal on /proc/PID");
    return 0;
}
