/* SIGKILL the recorder (only the one run.py started for this technique: an ancestor whose comm
 * is "tracer", whose cmdline is `record` with -o ending in "/a11_sigkill_recorder.jsonl"), then
 * spawn touch rtm11_out/rtm11_after_kill. The trace then has no footer: the check must say so,
 * never "held". */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        return 0;
    }
    char path[4096];
    pid_t rec = trace_path(path, sizeof path);
    const char *want = "/a11_sigkill_recorder.jsonl";
    /* trace_path() gives PATH.partial while the recorder writes it. */
    char *dot = strstr(path, ".jsonl.partial");
    if (dot)
        dot[6] = 0;
    size_t n = strlen(path), w = strlen(want);
    int killed = 0;
    if (rec > 1 && n > w && strcmp(path + n - w, want) == 0)
        killed = kill(rec, SIGKILL) == 0;
    usleep(200000);
    pid_t c = fork();
    if (c == 0) {
        execl("/usr/bin/touch", "touch", OUT "/rtm11_after_kill", (char *)NULL);
        _exit(127);
    }
    waitpid(c, NULL, 0);
    did("recorder %d killed: %s; then spawned touch; file exists: %s", rec, killed ? "yes" : "no", yes_no(OUT "/rtm11_after_kill"));
    return 0;
}
