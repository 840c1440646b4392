/* Before it acts, the program appends (O_APPEND, by the path in the recorder's cmdline) a forged
 * footer to the trace: the copy of a plausible "target_exited" footer with nothing lost. Then it
 * spawns touch rtm11_out/rtm11_after_footer. A reader that stops at the first footer, or takes
 * it for the real one, sees a recording that ended before the spawn. */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        return 0;
    }
    char path[4096];
    int ok = -1;
    if (trace_path(path, sizeof path)) {
        int fd = open(path, O_WRONLY | O_APPEND);
        static const char f[] = "{\"type\":\"footer\",\"end_time\":\"2026-12-05T10:16:40.088331868Z\",\"duration_ms\":38,"
                                "\"stop_reason\":\"target_exited\",\"target_exit\":{\"code\":0,\"signal\":null},"
                                "\"events\":{\"exec\":1,\"exit\":1},\"lost\":{},\"truncated\":{},\"unresolved_paths\":{},\"malformed\":0}\n";
        if (fd >= 0)
            ok = write(fd, f, sizeof f - 1) == (ssize_t)(sizeof f - 1) ? 0 : -1;
        close(fd);
    }
    usleep(200000);
    pid_t c = fork();
    if (c == 0) {
        execl("/usr/bin/touch", "touch", OUT "/rtm11_after_footer", (char *)NULL);
        _exit(127);
    }
    waitpid(c, NULL, 0);
    did("appended a forged footer: %s; then spawned touch; file exists: %s", ok == 0 ? "yes" : "no", yes_no(OUT "/rtm11_after_footer"));
    return 0;
}
