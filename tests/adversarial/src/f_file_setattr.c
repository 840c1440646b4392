/* file_setattr(2) (Linux 6.17, x86_64 nr 469): set the xflags of a file (made before recording) by path, no fd, no ioctl. */
#include "rt.h"
struct file_attr { uint64_t fa_xflags; uint32_t fa_extsize, fa_nextents, fa_projid, fa_cowextsize; };
#define FS_XFLAG_NODUMP 0x00000080
int main(int argc, char **argv) {
    rt_scratch();
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) { rt_write_file(SCRATCH "/rtm_file_setattr", "x"); return 0; }
    struct file_attr fa = {.fa_xflags = FS_XFLAG_NODUMP};
    long r = syscall(469, AT_FDCWD, SCRATCH "/rtm_file_setattr", &fa, sizeof fa, 0);
    if (r < 0) DIE("file_setattr");
    return 0;
}
