/* An argv of 40 KiB of padding with the marker last (beyond a 32 KiB capture limit). */
#include "rt.h"
int main(void) {
    static char pad[40 * 1024];
    memset(pad, 'p', sizeof pad - 1);
    pid_t p = fork();
    if (p == 0) {
        execl("/bin/true", "true", pad, "rtm_long_argv", (char *)NULL);
        _exit(127);
    }
    rt_wait_all();
    return 0;
}
