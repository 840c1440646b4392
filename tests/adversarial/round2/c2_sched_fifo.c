/* sched_setscheduler(SCHED_FIFO) and setpriority(-10) (CAP_SYS_NICE), then back. */
#include "common.h"
#include <sched.h>
#include <sys/resource.h>
int main(void)
{
    struct sched_param p = {.sched_priority = 1};
    if (sched_setscheduler(0, SCHED_FIFO, &p) < 0)
        DIE("sched_setscheduler");
    int pol = sched_getscheduler(0);
    if (setpriority(PRIO_PROCESS, 0, -10) < 0)
        DIE("setpriority");
    p.sched_priority = 0;
    sched_setscheduler(0, SCHED_OTHER, &p);
    did("sched_setscheduler(SCHED_FIFO) (policy was %d) and setpriority(-10)", pol);
    return 0;
}
