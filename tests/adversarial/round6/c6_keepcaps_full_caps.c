/* c6_keepcaps_full_caps: a daemon that "drops root": prctl(PR_SET_KEEPCAPS, 1), then
 * setresgid/setresuid(65534) on all three ids, so no uid of it is 0 any more. KEEPCAPS kept its
 * permitted capabilities; capset() puts all of them back in the effective set. Uid nobody with
 * root's powers: it reads /etc/shadow (CAP_DAC_OVERRIDE) and chowns a file to root
 * (CAP_CHOWN). */
#include "r6.h"
#include <grp.h>
#include <linux/capability.h>

int main(void)
{
    if (prctl(PR_SET_KEEPCAPS, 1) < 0)
        DIE("PR_SET_KEEPCAPS");
    if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
        DIE("drop");
    struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) < 0)
        DIE("capget");
    d[0].effective = d[0].permitted;
    d[1].effective = d[1].permitted;
    if (syscall(SYS_capset, &h, d) < 0)
        DIE("capset");
    char buf[64];
    int fd = open("/etc/shadow", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
    int mine = open(SCRATCH "/rtm6_keepcaps", O_WRONLY | O_CREAT, 0600);
    int ch = fchown(mine, 0, 0);
    did("uid %d euid %d suid 65534, CapEff %08x%08x: read /etc/shadow -> %zd, fchown to root -> %d", getuid(), geteuid(),
        d[1].effective, d[0].effective, n, ch);
    return 0;
}
