/* Exec a `#!` script (made before recording) whose interpreter is another script. */
#include "rt.h"
int main(int argc, char **argv) {
    rt_scratch();
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        rt_write_file(SCRATCH "/plain_interp", "#!/bin/sh\nexit 0\n");
        chmod(SCRATCH "/plain_interp", 0755);
        rt_write_file(SCRATCH "/plain_script", "#!" SCRATCH "/plain_interp\n");
        chmod(SCRATCH "/plain_script", 0755);
        return 0;
    }
    pid_t p = fork();
    if (p == 0) {
        execl(SCRATCH "/plain_script", "plain_script", "rtm_shebang", (char *)NULL);
        _exit(127);
    }
    rt_wait_all();
    return 0;
}
