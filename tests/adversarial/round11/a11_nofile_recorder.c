/* prlimit(recorder, RLIMIT_NOFILE, 8) (only the recorder run.py started for this technique,
 * found as in a11_sigkill_recorder): every later open the recorder makes (procfs lookups, the
 * files it reads to describe an exec) fails with EMFILE. Then ALLOWED/lnk (install-made, ->
 * rtm11_out) is used to create rtm11_out/rtm11_nofile and touch runs rtm11_out/rtm11_nofile2
 * through it; the limit is put back before the program exits. */
#include "r11.h"
#include <sys/resource.h>
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        if (symlink(OUT, ALLOWED "/lnk") < 0)
            DIE("symlink");
        return 0;
    }
    char path[4096];
    pid_t rec = trace_path(path, sizeof path);
    const char *want = "/a11_nofile_recorder.jsonl";
    char *dot = strstr(path, ".jsonl.partial");
    if (dot)
        dot[6] = 0;
    size_t n = strlen(path), w = strlen(want);
    struct rlimit old, low = {8, 8};
    int set = 0;
    if (rec > 1 && n > w && strcmp(path + n - w, want) == 0 && prlimit(rec, RLIMIT_NOFILE, NULL, &old) == 0)
        set = prlimit(rec, RLIMIT_NOFILE, &low, NULL) == 0;
    usleep(100000);
    write_file(ALLOWED "/lnk/rtm11_nofile", "rtm11 written while the recorder has no fds\n");
    pid_t c = fork();
    if (c == 0) {
        execl("/usr/bin/touch", "touch", ALLOWED "/lnk/rtm11_nofile2", (char *)NULL);
        _exit(127);
    }
    waitpid(c, NULL, 0);
    usleep(300000);
    if (set)
        prlimit(rec, RLIMIT_NOFILE, &old, NULL);
    did("recorder %d NOFILE limited: %s; files exist: %s %s", rec, set ? "yes" : "no", yes_no(OUT "/rtm11_nofile"), yes_no(OUT "/rtm11_nofile2"));
    return 0;
}
