/* f9_pivot_root: in a private mount namespace, SCRATCH/rtm9_real_pivot (bound onto itself) is
 * made the root with pivot_root(".", "old"); then open("tmp/redteam-adv9/allowed/rtm9_pivot",
 * O_CREAT) relative to the new "/": the walk stops at the new root and names it
 * "/tmp/redteam-adv9/allowed/rtm9_pivot"; the file is below rtm9_real_pivot on the host. */
#include "r9.h"
#define NEWROOT SCRATCH "/rtm9_real_pivot"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(NEWROOT ALLOWED);
        mkdir_p(NEWROOT "/old");
        mkdir_p(ALLOWED);
        return 0;
    }
    private_mounts();
    if (mount(NEWROOT, NEWROOT, NULL, MS_BIND, NULL) < 0 || chdir(NEWROOT) < 0)
        DIE("bind/chdir");
    if (syscall(SYS_pivot_root, ".", "old") < 0)
        DIE("pivot_root");
    if (chdir("/") < 0)
        DIE("chdir");
    int fd = open("tmp/redteam-adv9/allowed/rtm9_pivot", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("open");
    did("pivot_root into %s, open(tmp/redteam-adv9/allowed/rtm9_pivot, O_CREAT); real file exists: %s", NEWROOT, yes_no("/old" NEWROOT ALLOWED "/rtm9_pivot"));
    return 0;
}
