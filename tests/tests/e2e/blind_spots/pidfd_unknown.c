/* Signals through pidfds: one from pidfd_open (its target is named), one from clone(CLONE_PIDFD),
 * whose making the trace does not name: its target is unknown. Both go to children of this
 * program, never to the recorder. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    pid_t known = fork();
    if (known == 0) {
        pause();
        _exit(0);
    }
    int pidfd = syscall(SYS_pidfd_open, known, 0);
    if (pidfd < 0 || syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0) != 0)
        perror("pidfd_send_signal (pidfd_open)");
    waitpid(known, NULL, 0);

    int clone_pidfd = -1;
    /* clone(flags, stack, parent_tid, child_tid, tls) on x86_64: the pidfd goes to parent_tid. */
    long child = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &clone_pidfd, 0, 0);
    if (child == 0) {
        pause();
        _exit(0);
    }
    if (child < 0 || syscall(SYS_pidfd_send_signal, clone_pidfd, SIGKILL, NULL, 0) != 0)
        perror("pidfd_send_signal (CLONE_PIDFD)");
    waitpid(child, NULL, 0);
    return 0;
}
