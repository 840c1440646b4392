/* p10_exec_symlink_su: fork + execve(ALLOWED "/rtm10_helper", {"rtm10_helper", "--version"})
 * where ALLOWED/rtm10_helper is a symlink (made at install) to /usr/bin/su: the program runs
 * su by a name that is not su. The claim "no use of sudo, su, ..." goes by the program's name;
 * the new image is /usr/bin/su. su --version prints its version and exits. */
#include "r10.h"
extern char **environ;
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(ALLOWED);
        if (symlink("/usr/bin/su", ALLOWED "/rtm10_helper") < 0)
            DIE("symlink");
        return 0;
    }
    pid_t c = fork();
    if (c == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        char *args[] = {"rtm10_helper", "--version", NULL};
        execve(ALLOWED "/rtm10_helper", args, environ);
        _exit(127);
    }
    int st;
    waitpid(c, &st, 0);
    did("fork + execve(%s/rtm10_helper -> /usr/bin/su, --version); exit %d", ALLOWED, WEXITSTATUS(st));
    return 0;
}
