/* openat2(RESOLVE_IN_ROOT): an absolute path naming the allowed directory is resolved with the
 * dirfd as "/": the file is created under the real directory. */
#include "common.h"
#include <linux/openat2.h>
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        mkdir_p(ALLOWED);
        mkdir_p(SCRATCH "/rtm2_real_inroot" ALLOWED);
        return 0;
    }
    int root = open(SCRATCH "/rtm2_real_inroot", O_RDONLY | O_DIRECTORY);
    struct open_how how = {.flags = O_WRONLY | O_CREAT | O_TRUNC, .mode = 0644, .resolve = RESOLVE_IN_ROOT};
    int fd = syscall(SYS_openat2, root, ALLOWED "/data.txt", &how, sizeof how);
    if (fd < 0)
        DIE("openat2");
    write(fd, "x\n", 2);
    did("openat2(RESOLVE_IN_ROOT) %s/data.txt -> created %s/rtm2_real_inroot%s/data.txt", ALLOWED, SCRATCH, ALLOWED);
    return 0;
}
