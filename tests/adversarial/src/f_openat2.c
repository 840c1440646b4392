/* openat2(2) with RESOLVE_* flags: the newest open variant, whose flags live in a struct. */
#include "rt.h"
#include <linux/openat2.h>
int main(void) {
    rt_scratch();
    struct open_how how = {.flags = O_WRONLY | O_CREAT | O_TRUNC, .mode = 0600,
                           .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
    long fd = syscall(SYS_openat2, AT_FDCWD, SCRATCH "/rtm_openat2", &how, sizeof how);
    if (fd < 0) DIE("openat2");
    close(fd);
    return 0;
}
