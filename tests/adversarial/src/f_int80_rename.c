/* rename(2) as an ia32 compat syscall (int $0x80, i386 nr 38): the file is created normally,
 * then renamed to the marker name where a 64-bit-only recorder does not look. */
#include "rt.h"
static char from[] = SCRATCH "/plain_int80_src";
static char to[] = SCRATCH "/rtm_int80_rename";
int main(void) {
    rt_scratch();
    rt_write_file(from, "x");
    long r = rt_int80(38 /* rename */, (long)from, (long)to, 0, 0, 0);
    if (r < 0) { errno = -r; DIE("int80 rename"); }
    return 0;
}
