/* A child chdir()s into a directory and waits; the parent creates /proc/CHILD/cwd/data.txt:
 * the file lands in the child's working directory, named through another process's cwd link
 * (round 3 used /proc/CHILD/fd/N, round 2 the own /proc/self/root). */
#include "r5.h"
#define D SCRATCH "/rtm5_childcwd_real"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir(D, 0755);
        return 0;
    }
    int ready[2], done[2];
    if (pipe(ready) < 0 || pipe(done) < 0)
        DIE("pipe");
    pid_t c = fork();
    if (c == 0) {
        if (chdir(D) < 0)
            _exit(1);
        char x = 1;
        write(ready[1], &x, 1);
        read(done[0], &x, 1);
        _exit(0);
    }
    char x;
    read(ready[0], &x, 1);
    char p[96];
    snprintf(p, sizeof p, "/proc/%d/cwd/data.txt", c);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("open %s", p);
    if (write(fd, "payload\n", 8) != 8)
        DIE("write");
    close(fd);
    write(done[1], &x, 1);
    waitpid(c, NULL, 0);
    did("created %s", p);
    return 0;
}
