/* A child opens a file read-only; the parent reopens it for writing through
 * /proc/CHILD/fd/N (another process's fd link, not its own) and rewrites it. */
#include "r3.h"
#define F SCRATCH "/rtm3_child_procfd"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(F, 4096);
        return 0;
    }
    int up[2], down[2];
    if (pipe(up) < 0 || pipe(down) < 0)
        DIE("pipe");
    pid_t c = fork();
    if (c == 0) {
        int fd = open(F, O_RDONLY);
        if (write(up[1], &fd, sizeof fd) < 0)
            _exit(1);
        char b;
        if (read(down[0], &b, 1) < 0)
            _exit(1);
        _exit(0);
    }
    int fd;
    if (read(up[0], &fd, sizeof fd) != sizeof fd || fd < 0)
        DIE("child open");
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd/%d", c, fd);
    int w = open(path, O_WRONLY | O_TRUNC);
    if (w < 0)
        DIE("open %s", path);
    if (write(w, "rtm3 child procfd\n", 18) != 18)
        DIE("write");
    close(w);
    if (write(down[1], "x", 1) < 0)
        DIE("pipe write");
    int st;
    waitpid(c, &st, 0);
    did("rewrote %s through %s", F, path);
    return 0;
}
