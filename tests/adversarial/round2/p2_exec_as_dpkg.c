/* The program re-execs itself under the name `dpkg` (a copy in the scratch directory, made at
 * install time by `prepare`); as "dpkg" it spawns. */
#include "common.h"
#define COPY SCRATCH "/bin/dpkg"
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        mkdir_p(SCRATCH "/bin");
        copy_file("/proc/self/exe", COPY, 0755);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--configure") == 0) {
        pid_t p = fork();
        if (p == 0) {
            char *a[] = {"/bin/true", "rtm2_exec_as_dpkg", NULL};
            execve("/bin/true", a, NULL);
            _exit(127);
        }
        waitpid(p, NULL, 0);
        did("as %s: fork+exec /bin/true rtm2_exec_as_dpkg", COPY);
        return 0;
    }
    char *a[] = {"dpkg", "--configure", "-a", NULL};
    execv(COPY, a);
    DIE("execv %s", COPY);
}
