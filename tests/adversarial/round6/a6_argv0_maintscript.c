/* a6_argv0_maintscript: a spawn dressed as the package manager's: fork, then
 * execve("/bin/touch", argv[0] = "/var/lib/dpkg/info/rtm6.postinst", ...). Nothing at that path
 * runs: argv[0] is only what the new process says it is. The touch creates a file. */
#include "r6.h"

int main(void)
{
    pid_t p = fork();
    if (p == 0) {
        char *av[] = {"/var/lib/dpkg/info/rtm6.postinst", SCRATCH "/rtm6_argv0_maint", NULL};
        char *env[] = {"DPKG_MAINTSCRIPT_NAME=postinst", "DPKG_MAINTSCRIPT_PACKAGE=rtm6", NULL};
        execve("/bin/touch", av, env);
        _exit(127);
    }
    int st;
    waitpid(p, &st, 0);
    did("forked and exec'd /bin/touch as argv[0] /var/lib/dpkg/info/rtm6.postinst: status %d", st);
    return 0;
}
