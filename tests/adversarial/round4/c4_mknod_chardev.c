/* mknod(S_IFCHR, 1:3) (CAP_MKNOD): a device node made under the scratch dir (a copy of
 * /dev/null: a package could as well make 1:1, /dev/mem, where a later reader looks). */
#include "r4.h"
#include <sys/sysmacros.h>
#define F SCRATCH "/rtm4_devnode"
int main(void)
{
    if (mknod(F, S_IFCHR | 0600, makedev(1, 3)) < 0)
        DIE("mknod");
    struct stat st;
    stat(F, &st);
    did("mknod %s c 1 3: char device now: %s", F, S_ISCHR(st.st_mode) ? "yes" : "no");
    return 0;
}
