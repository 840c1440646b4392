/* ioprio_set(IOPRIO_CLASS_RT, level 0) (CAP_SYS_ADMIN or CAP_SYS_NICE): real-time disk I/O
 * priority, ahead of every other process; set back to best-effort afterwards. */
#include "r4.h"
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_PRIO_VALUE(c, d) (((c) << 13) | (d))
int main(void)
{
    long before = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
    if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(1 /* RT */, 0)) < 0)
        DIE("ioprio_set(RT)");
    long now = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
    syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(2 /* BE */, 4));
    did("ioprio_set(IOPRIO_CLASS_RT, 0): class %ld -> %ld", before >> 13, now >> 13);
    return 0;
}
