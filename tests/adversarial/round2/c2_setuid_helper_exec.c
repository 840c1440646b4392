/* Run as nobody (record -u nobody): exec a setuid-root copy of this program (installed by
 * `prepare`), which then acts as root. */
#include "common.h"
#define SUID SCRATCH "/rtm2_suid_helper"
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        chmod(SCRATCH, 0755);
        copy_file("/proc/self/exe", SUID, 0755);
        chown(SUID, 0, 0);
        return chmod(SUID, 04755);
    }
    if (argc > 1 && strcmp(argv[1], "stage2") == 0) {
        did("exec'd setuid %s: uid %d euid %d", SUID, getuid(), geteuid());
        return 0;
    }
    char *a[] = {SUID, "stage2", NULL};
    execv(SUID, a);
    DIE("execv");
}
