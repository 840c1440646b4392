/* capset: a child drops CAP_SYS_BOOT from its effective set. */
#include "rt.h"
#include <linux/capability.h>
int main(void) {
    pid_t p = fork();
    if (p == 0) {
        struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
        struct __user_cap_data_struct d[2];
        if (syscall(SYS_capget, &h, d) < 0) DIE("capget");
        d[0].effective &= ~(1u << CAP_SYS_BOOT);
        if (syscall(SYS_capset, &h, d) < 0) DIE("capset");
        _exit(0);
    }
    rt_wait_all();
    return 0;
}
