/* setresuid32 and setgroups32 as ia32 compat syscalls (int $0x80, i386 nr 208 and 206): a
 * credential change 64-bit hooks do not see. As root, uid 0 -> 0 -> 0 changes nothing real. */
#include "rt.h"
static uint32_t groups[1] = {0};
int main(void) {
    long r = rt_int80(208, 0, 0, 0, 0, 0);
    if (r < 0) { errno = -r; DIE("int80 setresuid32"); }
    r = rt_int80(206, 1, (long)groups, 0, 0, 0);
    if (r < 0) { errno = -r; DIE("int80 setgroups32"); }
    return 0;
}
