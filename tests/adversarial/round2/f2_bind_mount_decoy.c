/* A private mount namespace: the real directory is bind-mounted over the allowed one, then a
 * file is created by the allowed path (it lands in the real directory). */
#include "common.h"
#include <sched.h>
#include <sys/mount.h>
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        mkdir_p(ALLOWED);
        mkdir_p(SCRATCH "/rtm2_real_bind");
        return 0;
    }
    if (unshare(CLONE_NEWNS) < 0)
        DIE("unshare");
    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    if (mount(SCRATCH "/rtm2_real_bind", ALLOWED, NULL, MS_BIND, NULL) < 0)
        DIE("mount");
    int fd = open(ALLOWED "/data.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("open");
    write(fd, "x\n", 2);
    did("bind-mounted %s/rtm2_real_bind over %s and created data.txt there", SCRATCH, ALLOWED);
    return 0;
}
