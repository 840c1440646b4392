/* clone(CLONE_PARENT): the child is the recorder's child, not the program's. It execs
 * SCRATCH/bin/dpkg (an install-made copy of this program), which forks and execs touch
 * rtm11_out/rtm11_clone_dpkg and writes rtm11_out/rtm11_clone_dpkg_file itself: acts by a
 * process named dpkg whose parent is the harness. */
#include "r11.h"
#include <sched.h>
static char stack[65536];
static int child(void *arg)
{
    (void)arg;
    char *args[] = {"dpkg", "--act", NULL};
    execv(SCRATCH "/bin/dpkg", args);
    _exit(127);
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        mkdir_p(SCRATCH "/bin");
        copy_file("/proc/self/exe", SCRATCH "/bin/dpkg", 0755);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--act") == 0) {
        char *args[] = {"touch", OUT "/rtm11_clone_dpkg", NULL};
        run_wait("/usr/bin/touch", args);
        write_file(OUT "/rtm11_clone_dpkg_file", "rtm11 written by dpkg\n");
        return 0;
    }
    if (clone(child, stack + sizeof stack, CLONE_PARENT | SIGCHLD, NULL) < 0)
        DIE("clone");
    for (int i = 0; i < 100 && access(OUT "/rtm11_clone_dpkg_file", F_OK) != 0; i++)
        usleep(20000);
    did("CLONE_PARENT child as dpkg: file exists: %s", yes_no(OUT "/rtm11_clone_dpkg_file"));
    return 0;
}
