/* c7_sched_setattr_deadline: sched_setattr(2) (not sched_setscheduler) to SCHED_DEADLINE, a
 * real-time class that needs CAP_SYS_NICE; back to SCHED_OTHER at once. */
#include "r7.h"
struct sched_attr { /* linux/sched/types.h clashes with glibc's sched.h */
    uint32_t size, sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
    uint32_t sched_util_min, sched_util_max;
};
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif
int main(void)
{
    struct sched_attr a = {.size = sizeof a, .sched_policy = SCHED_DEADLINE, .sched_runtime = 1000000, .sched_deadline = 10000000, .sched_period = 10000000};
    long r = syscall(SYS_sched_setattr, 0, &a, 0);
    int e = errno;
    struct sched_attr o = {.size = sizeof o, .sched_policy = 0};
    long r2 = syscall(SYS_sched_setattr, 0, &o, 0);
    did("sched_setattr(SCHED_DEADLINE) -> %ld (%s), back to SCHED_OTHER -> %ld", r, r ? strerror(e) : "ok", r2);
    return 0;
}
