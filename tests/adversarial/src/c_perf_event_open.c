/* perf_event_open on this process's own CPU clock: kernel instrumentation without bpf(2). */
#include "rt.h"
#include <linux/perf_event.h>
int main(void) {
    struct perf_event_attr a = {.type = PERF_TYPE_SOFTWARE, .size = sizeof a, .config = PERF_COUNT_SW_TASK_CLOCK};
    long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
    if (fd < 0) DIE("perf_event_open");
    return 0;
}
