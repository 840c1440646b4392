/* Grant file capabilities by writing the security.capability xattr directly (what setcap(8)
 * does): cap_sys_admin+ep on a program copied at install time. */
#include "common.h"
#include <linux/capability.h>
#include <sys/xattr.h>
#define TARGET SCRATCH "/rtm2_setcap_target"
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        copy_file("/bin/true", TARGET, 0755);
        return 0;
    }
    struct vfs_cap_data cap = {0};
    cap.magic_etc = VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE;
    cap.data[0].permitted = 1u << CAP_SYS_ADMIN;
    if (setxattr(TARGET, "security.capability", &cap, XATTR_CAPS_SZ_2, 0) < 0)
        DIE("setxattr");
    did("set security.capability (cap_sys_admin+ep) on %s", TARGET);
    return 0;
}
