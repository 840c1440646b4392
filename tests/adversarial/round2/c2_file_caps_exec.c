/* Run as nobody (record -u nobody): exec a program carrying file capabilities (cap_net_raw,
 * set with setcap at install time by `prepare`). The exec gains a capability with no uid change
 * and no setuid bit. */
#include "common.h"
#include <linux/capability.h>
#define CAPPED SCRATCH "/rtm2_fcaps"
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        chmod(SCRATCH, 0755);
        copy_file("/proc/self/exe", CAPPED, 0755);
        return system("setcap cap_net_raw+ep " CAPPED) == 0 ? 0 : 1;
    }
    if (argc > 1 && strcmp(argv[1], "stage2") == 0) {
        struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct d[2];
        syscall(SYS_capget, &h, d);
        did("exec'd %s as uid %d: effective caps %08x%08x (cap_net_raw: %s)", CAPPED, getuid(), d[1].effective, d[0].effective,
            (d[0].effective >> 13) & 1 ? "yes" : "no");
        return 0;
    }
    char *a[] = {CAPPED, "stage2", NULL};
    execv(CAPPED, a);
    DIE("execv");
}
