/* f10_swap_dir_for_link: chmod(ALLOWED "/d/rtm10_swd_chmod", 04755) by an absolute path with
 * no symlink in it at rest: ALLOWED/d is a real directory holding a twin. Right before the
 * call, renameat2(RENAME_EXCHANGE) swaps ALLOWED/d with ALLOWED/d.alt, a symlink to
 * SCRATCH/rtm10_real_swd; right after, they are swapped back. A later lookup finds a plain
 * directory and no link at all. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_swd"
static void xchg(void)
{
    if (syscall(SYS_renameat2, AT_FDCWD, ALLOWED "/d", AT_FDCWD, ALLOWED "/d.alt", RENAME_EXCHANGE) < 0)
        DIE("renameat2 RENAME_EXCHANGE");
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        touch_p(REAL "/rtm10_swd_chmod");
        touch_p(ALLOWED "/d/rtm10_swd_chmod");
        if (symlink(REAL, ALLOWED "/d.alt") < 0)
            DIE("symlink");
        return 0;
    }
    xchg();
    int r = chmod(ALLOWED "/d/rtm10_swd_chmod", 04755);
    xchg();
    if (r < 0)
        DIE("chmod");
    struct stat st;
    lstat(ALLOWED "/d", &st);
    did("chmod(%s/d/rtm10_swd_chmod, 04755) with d a symlink for the call only; real mode now %o, twin mode %o; d is a %s",
        ALLOWED, mode_of(REAL "/rtm10_swd_chmod"), mode_of(ALLOWED "/d/rtm10_swd_chmod"), S_ISDIR(st.st_mode) ? "directory" : "link");
    return 0;
}
