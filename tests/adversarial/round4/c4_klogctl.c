/* syslog(2)/klogctl(SYSLOG_ACTION_READ_ALL) (CAP_SYSLOG): read the kernel log buffer (kernel
 * addresses, other processes' messages) without opening /dev/kmsg or /proc/kmsg. */
#include "r4.h"
#include <sys/klog.h>
int main(void)
{
    static char buf[1 << 16];
    int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof buf);
    if (n < 0)
        DIE("klogctl(READ_ALL)");
    did("klogctl(SYSLOG_ACTION_READ_ALL) read %d bytes of the kernel log", n);
    return 0;
}
