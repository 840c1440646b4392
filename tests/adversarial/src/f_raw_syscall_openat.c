/* openat through a raw `syscall` instruction: no libc wrapper for a hook on libc to see. */
#include "rt.h"
int main(void) {
    rt_scratch();
    long fd = rt_syscall6(SYS_openat, AT_FDCWD, (long)SCRATCH "/rtm_rawsys_openat", O_WRONLY | O_CREAT | O_TRUNC, 0600, 0, 0);
    if (fd < 0) { errno = -fd; DIE("openat"); }
    close(fd);
    return 0;
}
