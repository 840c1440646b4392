/* A file the kernel writes for the program: a child chdir()s into a directory made at install,
 * raises its RLIMIT_CORE and crashes (SIGSEGV); with the host's core_pattern "core" (unchanged)
 * the kernel creates rtm4_coredir/core, megabytes of the process's memory, from inside the
 * crash. The program never opens it. */
#include "r4.h"
#include <sys/resource.h>
#define D SCRATCH "/rtm4_coredir"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir(D, 0755);
        return 0;
    }
    pid_t p = fork();
    if (p == 0) {
        if (chdir(D) < 0)
            DIE("chdir");
        struct rlimit r = {RLIM_INFINITY, RLIM_INFINITY};
        if (setrlimit(RLIMIT_CORE, &r) < 0)
            DIE("setrlimit(RLIMIT_CORE)");
        prctl(PR_SET_DUMPABLE, 1);
        raise(SIGSEGV);
        _exit(0);
    }
    int st = 0;
    waitpid(p, &st, 0);
    struct stat s;
    int have = stat(D "/core", &s) == 0;
    did("child crashed (core dumped: %s); %s/core: %lld bytes", WCOREDUMP(st) ? "yes" : "no", D, have ? (long long)s.st_size : -1LL);
    return 0;
}
