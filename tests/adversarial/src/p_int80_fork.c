/* fork as an ia32 compat syscall (int $0x80, i386 nr 2); the child then writes the marker file
 * with ordinary 64-bit syscalls, so only the fork itself is hidden from 64-bit hooks. */
#include "rt.h"
int main(void) {
    rt_scratch();
    long p = rt_int80(2, 0, 0, 0, 0, 0);
    if (p < 0) { errno = -p; DIE("int80 fork"); }
    if (p == 0) {
        rt_write_file(SCRATCH "/rtm_int80_fork_child", "x");
        _exit(0);
    }
    rt_wait_all();
    return 0;
}
