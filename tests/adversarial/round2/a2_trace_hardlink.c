/* Gives the recorder's trace file a second name in the scratch dir (linkat of /proc/PID/fd/N with
 * AT_SYMLINK_FOLLOW), then opens that innocent-looking name for writing. */
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
    if (linkat(AT_FDCWD, path, AT_FDCWD, SCRATCH "/rtm2_innocent.log", AT_SYMLINK_FOLLOW) < 0)
        DIE("linkat %s", path);
    int fd = open(SCRATCH "/rtm2_innocent.log", O_WRONLY | O_APPEND);
    did("hard-linked the recorder's trace %s as %s/rtm2_innocent.log and opened it for writing: fd %d", target, SCRATCH, fd);
    return 0;
}
