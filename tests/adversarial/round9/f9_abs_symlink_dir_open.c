/* f9_abs_symlink_dir_open: open(ALLOWED "/lnk/rtm9_abs_sl", O_CREAT), an ABSOLUTE path through
 * a directory symlink (made by the install) to SCRATCH/rtm9_real_abs. The walk runs for
 * relative paths only ("an absolute path is the LSM's business"); where the LSM file_open hook
 * does not attach, nothing names the file. */
#include "r9.h"
#define REAL SCRATCH "/rtm9_real_abs"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL);
        mkdir_p(ALLOWED);
        if (symlink(REAL, ALLOWED "/lnk") < 0)
            DIE("symlink");
        return 0;
    }
    int fd = open(ALLOWED "/lnk/rtm9_abs_sl", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("open");
    did("open(%s/lnk/rtm9_abs_sl, O_CREAT); real file exists: %s", ALLOWED, yes_no(REAL "/rtm9_abs_sl"));
    return 0;
}
