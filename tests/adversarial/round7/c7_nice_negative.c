/* c7_nice_negative: setpriority(PRIO_PROCESS, 0, -10) and a raised RLIMIT_NICE (CAP_SYS_NICE /
 * CAP_SYS_RESOURCE), through the plain priority calls. */
#include "r7.h"
#include <sys/resource.h>
int main(void)
{
    int r = setpriority(PRIO_PROCESS, 0, -10);
    errno = 0;
    int now = getpriority(PRIO_PROCESS, 0);
    did("setpriority(-10) -> %d, nice now %d", r, now);
    return 0;
}
