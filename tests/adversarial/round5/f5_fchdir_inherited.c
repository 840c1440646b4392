/* fchdir(9), fd 9 a directory whoever started the recorder opened, then a relative
 * open("data.txt", O_CREAT): the working directory comes from an fd, not a path (round 4's
 * f4_inherited_dirfd used the fd as openat's dirfd). */
#include "r5.h"
int main(void)
{
    if (fchdir(9) < 0)
        DIE("fchdir(9)");
    int fd = open("data.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("open");
    if (write(fd, "payload\n", 8) != 8)
        DIE("write");
    close(fd);
    char cwd[256];
    did("fchdir(9), created data.txt in %s", getcwd(cwd, sizeof cwd) ? cwd : "?");
    return 0;
}
