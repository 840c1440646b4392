/* Run as nobody. SCRATCH/bin/rtm11_captouch is an install-made copy of touch with the file
 * capability cap_dac_override+ep (security.capability, set by root at install); the program
 * execs it to create rtm11_out/rootonly/rtm11_fcaps in a root-only (0700) directory. The exec
 * gains a capability: a use of privilege by a program that never calls a privileged function. */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        chmod(SCRATCH, 0755);
        mkdir_p(OUT "/rootonly");
        chmod(OUT "/rootonly", 0700);
        mkdir_p(SCRATCH "/bin");
        chmod(SCRATCH "/bin", 0755);
        copy_file("/usr/bin/touch", SCRATCH "/bin/rtm11_captouch", 0755);
        char *args[] = {"setcap", "cap_dac_override+ep", SCRATCH "/bin/rtm11_captouch", NULL};
        if (run_wait("/usr/sbin/setcap", args) != 0)
            DIE("setcap");
        return 0;
    }
    char *args[] = {"rtm11_captouch", OUT "/rootonly/rtm11_fcaps", NULL};
    int st = run_wait(SCRATCH "/bin/rtm11_captouch", args);
    did("uid %d ran a cap_dac_override+ep touch: exit %d; fcaps file exists: %s", (int)getuid(), st, yes_no(OUT "/rootonly/rtm11_fcaps"));
    return 0;
}
