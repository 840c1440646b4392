/* open(2) as a 32-bit compat syscall (int $0x80, i386 nr 5) from a 64-bit process: the
 * per-syscall tracepoints do not fire for ia32 syscalls. Built -no-pie so the path is below 4 GiB. */
#include "rt.h"
static char path[] = SCRATCH "/rtm_int80_open";
int main(void) {
    rt_scratch();
    long fd = rt_int80(5 /* open */, (long)path, O_WRONLY | O_CREAT | O_TRUNC, 0600, 0, 0);
    if (fd < 0) { errno = -fd; DIE("int80 open"); }
    if (write(fd, "x", 1) < 0) DIE("write");
    close(fd);
    return 0;
}
