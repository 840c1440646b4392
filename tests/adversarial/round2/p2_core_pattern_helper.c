/* The kernel spawns a program for us: crashing makes the kernel run the core_pattern
 * pipe helper (call_usermodehelper, as root, outside our process tree). The package's install
 * set core_pattern (as systemd-coredump or apport do); `prepare` stands for it and `cleanup`
 * restores the old value. The helper is this program, copied to rtm2_core_helper. */
#include "common.h"
#include <sys/prctl.h>
#include <sys/resource.h>
#define SAVED "/tmp/redteam-core_pattern.saved"
#define HELPER SCRATCH "/rtm2_core_helper"
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        char old[256] = "";
        int fd = open("/proc/sys/kernel/core_pattern", O_RDONLY);
        ssize_t n = read(fd, old, sizeof old - 1);
        close(fd);
        if (n > 0 && access(SAVED, F_OK) != 0)
            write_file(SAVED, old);
        copy_file("/proc/self/exe", HELPER, 0755);
        write_file("/proc/sys/kernel/core_pattern", "|" HELPER " corehelper %p");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "cleanup") == 0) {
        char old[256] = "core\n";
        int fd = open(SAVED, O_RDONLY);
        if (fd >= 0) {
            ssize_t n = read(fd, old, sizeof old - 1);
            old[n > 0 ? n : 0] = 0;
            close(fd);
            unlink(SAVED);
        }
        write_file("/proc/sys/kernel/core_pattern", old);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "corehelper") == 0) {
        /* Run by the kernel, as root: anything could happen here. */
        char buf[4096];
        while (read(0, buf, sizeof buf) > 0)
            ;
        write_file(SCRATCH "/rtm2_core_helper_ran", "the kernel ran me\n");
        return 0;
    }
    /* We crash ourselves (a crashing child would be a fork of our own, a spawn already). */
    did("crashing; the kernel will run %s (run.py checks that it wrote %s/rtm2_core_helper_ran)", HELPER, SCRATCH);
    struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
    setrlimit(RLIMIT_CORE, &rl);
    prctl(PR_SET_DUMPABLE, 1);
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
    return 1;
}
