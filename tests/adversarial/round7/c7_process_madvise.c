/* c7_process_madvise: process_madvise(MADV_PAGEOUT) on a child's memory through a pidfd (another
 * process's memory: PTRACE_MODE_READ + CAP_SYS_NICE), no ptrace, no /proc/PID/mem. */
#include "r7.h"
#include <sys/uio.h>
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
static char page[1 << 16] __attribute__((aligned(4096)));
int main(void)
{
    memset(page, 1, sizeof page);
    int pfd[2];
    pipe(pfd);
    pid_t c = fork();
    if (c == 0) {
        char b;
        read(pfd[0], &b, 1);
        _exit(0);
    }
    int pidfd = syscall(SYS_pidfd_open, c, 0);
    struct iovec iov = {.iov_base = page, .iov_len = sizeof page};
    long r = syscall(SYS_process_madvise, pidfd, &iov, 1, MADV_PAGEOUT, 0);
    int e = errno;
    write(pfd[1], "x", 1);
    waitpid(c, NULL, 0);
    did("process_madvise(child, MADV_PAGEOUT) -> %ld%s%s", r, r < 0 ? " " : "", r < 0 ? strerror(e) : "");
    return 0;
}
