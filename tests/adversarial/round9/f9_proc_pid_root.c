/* f9_proc_pid_root: a child makes a private mount namespace, binds SCRATCH/rtm9_real_pidroot
 * over ALLOWED there and waits; the parent opens the ABSOLUTE path
 * "/proc/CHILD/root" ALLOWED "/rtm9_pidroot" with O_CREAT: resolved in the child's namespace,
 * the file lands in rtm9_real_pidroot. */
#include "r9.h"
#define SRC SCRATCH "/rtm9_real_pidroot"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(SRC);
        mkdir_p(ALLOWED);
        return 0;
    }
    int p[2];
    if (pipe(p) < 0)
        DIE("pipe");
    pid_t c = fork();
    if (c == 0) {
        private_mounts();
        if (mount(SRC, ALLOWED, NULL, MS_BIND, NULL) < 0)
            DIE("bind");
        if (write(p[1], "r", 1) != 1)
            _exit(1);
        sleep(3);
        _exit(0);
    }
    char b;
    if (read(p[0], &b, 1) != 1)
        DIE("child");
    char path[256];
    snprintf(path, sizeof path, "/proc/%d/root%s/rtm9_pidroot", c, ALLOWED);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("open %s", path);
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    did("open(%s, O_CREAT) through a child's namespace with %s bound over %s; real file exists: %s", path, SRC, ALLOWED, yes_no(SRC "/rtm9_pidroot"));
    return 0;
}
