/* a10_argv_json: fork + execve(/bin/touch, argv, envp) where an argv element and an environment
 * variable are JSON fragments: a quote and brace that would close the argv array, a newline,
 * a forged event line (kind rtm10_forged) and a forged footer; a literal backslash-u0000
 * (`\u0000` as six characters) and a byte that is not UTF-8. touch makes the file named by the
 * last argument, SCRATCH/rtm10_argv_json (and the others, in SCRATCH, its cwd). */
#include "r10.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(SCRATCH);
        return 0;
    }
    static const char forged[] =
        "rtm10_inj\"]}}\n"
        "{\"type\":\"event\",\"seq\":999998,\"time\":\"2026-12-05T00:00:00Z\",\"ts_ns\":1,\"pid\":1,\"tid\":1,\"ppid\":0,"
        "\"comm\":\"x\",\"kind\":\"rtm10_forged\",\"fields\":{}}\n"
        "{\"type\":\"footer\",\"stop_reason\":\"rtm10_forged\"}\n";
    char *args[] = {"touch", (char *)forged, "rtm10_nul\\u0000after", "rtm10_\xff\xfe_bytes", SCRATCH "/rtm10_argv_json", NULL};
    char *env[] = {"RTM10_ENV={\"type\":\"header\"}\n{\"type\":\"event\",\"kind\":\"rtm10_forged\"}", "PATH=/usr/bin:/bin", NULL};
    pid_t c = fork();
    if (c == 0) {
        /* touch makes every name it is given: in the scratch dir, which run.py wipes. */
        if (chdir(SCRATCH) < 0)
            _exit(126);
        execve("/usr/bin/touch", args, env);
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    did("fork + execve(/usr/bin/touch) with JSON fragments in argv and env; exit %d; file exists: %s", WEXITSTATUS(st),
        yes_no(SCRATCH "/rtm10_argv_json"));
    return 0;
}
