/* clone3(CLONE_NEWUSER): the child holds every capability in its new user namespace; the
 * parent writes uid_map "0 0 1" (root stays root), and the child capset()s a full set and sets PR_SET_KEEPCAPS, then setresuid(0,0,0): privileged calls from a
 * clone3 child (no fork/vfork/clone in the trace's usual sense). */
#include "r11.h"
#include <linux/sched.h>
#include <sched.h>
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        return 0;
    }
    int go[2];
    if (pipe(go) < 0)
        DIE("pipe");
    struct clone_args ca = {.flags = CLONE_NEWUSER, .exit_signal = SIGCHLD};
    long c = syscall(SYS_clone3, &ca, sizeof ca);
    if (c < 0)
        DIE("clone3");
    if (c == 0) {
        close(go[1]);
        char b;
        if (read(go[0], &b, 1) != 1)
            _exit(2);
        struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
        struct __user_cap_data_struct d[2] = {{~0u, ~0u, ~0u}, {~0u, ~0u, ~0u}};
        d[0].inheritable = 0;
        d[1].inheritable = 0;
        int r1 = syscall(SYS_capset, &h, d);
        int r2 = prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
        int r3 = syscall(SYS_setresuid, 0, 0, 0);
        printf("did: in clone3 user ns: capset %d keepcaps %d setresuid(0) %d RTM11_clone3_userns\n", r1, r2, r3);
        fflush(stdout);
        _exit(0);
    }
    close(go[0]);
    char p[64];
    snprintf(p, sizeof p, "/proc/%ld/setgroups", c);
    write_file(p, "deny");
    snprintf(p, sizeof p, "/proc/%ld/uid_map", c);
    write_file(p, "0 0 1");
    snprintf(p, sizeof p, "/proc/%ld/gid_map", c);
    write_file(p, "0 0 1");
    write(go[1], "g", 1);
    waitpid(c, NULL, 0);
    return 0;
}
