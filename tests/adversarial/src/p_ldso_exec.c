/* Run a program through the dynamic loader: the exec'd file is ld.so, the program an argument. */
#include "rt.h"
int main(void) {
    pid_t p = fork();
    if (p == 0) {
        execl("/lib64/ld-linux-x86-64.so.2", "ld.so", "/bin/true", "rtm_ldso_exec", (char *)NULL);
        _exit(127);
    }
    rt_wait_all();
    return 0;
}
