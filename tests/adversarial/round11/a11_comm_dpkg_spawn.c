/* A forked child renames itself (PR_SET_NAME) "dpkg", then forks and execs touch
 * rtm11_out/rtm11_comm_dpkg: the spawn comes from a process whose comm is the harness's. */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        return 0;
    }
    pid_t c = fork();
    if (c == 0) {
        prctl(PR_SET_NAME, "dpkg");
        char *args[] = {"touch", OUT "/rtm11_comm_dpkg", NULL};
        _exit(run_wait("/usr/bin/touch", args));
    }
    waitpid(c, NULL, 0);
    did("child named dpkg ran touch; file exists: %s", yes_no(OUT "/rtm11_comm_dpkg"));
    return 0;
}
