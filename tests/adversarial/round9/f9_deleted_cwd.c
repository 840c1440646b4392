/* f9_deleted_cwd: chdir(SCRATCH/rtm9_gone), rmdir it (the cwd is now a deleted directory),
 * then mkdir("rtm9_deleted_cwd") (fails: ENOENT) and open(".", O_RDONLY) (succeeds). The open's
 * walk names a directory that no longer exists (the kernel's d_path says "(deleted)"). */
#include "r9.h"
#define GONE SCRATCH "/rtm9_gone"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(GONE);
        return 0;
    }
    if (chdir(GONE) < 0 || rmdir(GONE) < 0)
        DIE("chdir/rmdir");
    int r = mkdir("rtm9_deleted_cwd", 0755);
    int e = errno;
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    char cwd[512] = "";
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, "(getcwd: %s)", strerror(errno));
    did("cwd %s removed; mkdir(rtm9_deleted_cwd) -> %d (%s); open(.) -> %d; getcwd: %s", GONE, r, r < 0 ? strerror(e) : "ok", fd, cwd);
    return 0;
}
