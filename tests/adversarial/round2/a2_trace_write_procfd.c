/* Finds the recorder (an ancestor named tracer), finds the fd it writes the trace through, and
 * opens that file for writing through the /proc/PID/fd/N magic link (nothing is written: the
 * open is the capability to forge or truncate the trace). */
#include "forge.h"
int main(void)
{
    pid_t rec = find_recorder();
    char target[512] = "", path[64];
    int n = rec ? recorder_trace_fd(rec, target, sizeof target) : -1;
    if (n < 0) {
        did("recorder or its trace fd not found (recorder pid %d)", rec);
        return 0;
    }
    snprintf(path, sizeof path, "/proc/%d/fd/%d", rec, n);
    int fd = open(path, O_WRONLY | O_APPEND);
    did("opened the recorder's trace %s for writing through %s: fd %d", target, path, fd);
    return 0;
}
