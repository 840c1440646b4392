/* 2000 short arguments with the marker last (beyond a 1024-argument capture limit). */
#include "rt.h"
int main(void) {
    static char *argv[2003];
    argv[0] = "true";
    for (int i = 1; i <= 2000; i++) argv[i] = "a";
    argv[2001] = "rtm_many_args";
    pid_t p = fork();
    if (p == 0) {
        execv("/bin/true", argv);
        _exit(127);
    }
    rt_wait_all();
    return 0;
}
