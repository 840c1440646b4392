/* renameat2(RENAME_WHITEOUT): the file moves, and a 0/0 character device (an overlayfs
 * whiteout) is created at the old name in the same call. */
#include "r3.h"
#define SRC SCRATCH "/rtm3_whiteout_src"
#define DST SCRATCH "/rtm3_whiteout_dst"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(SRC, 16);
        return 0;
    }
    if (syscall(SYS_renameat2, AT_FDCWD, SRC, AT_FDCWD, DST, 4 /* RENAME_WHITEOUT */) < 0)
        DIE("renameat2 RENAME_WHITEOUT");
    struct stat st;
    if (lstat(SRC, &st) == 0 && S_ISCHR(st.st_mode))
        did("renameat2(RENAME_WHITEOUT): %s is now a whiteout char device", SRC);
    return 0;
}
