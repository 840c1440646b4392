/* f9_overlay_upper: in a private mount namespace, an overlay (lower SCRATCH/rtm9_lower, upper
 * SCRATCH/rtm9_real_upper) mounted on ALLOWED; chdir(ALLOWED), open("rtm9_overlay", O_CREAT):
 * the file is stored in the upper dir on the host's disk; every name says ALLOWED. */
#include "r9.h"
#define UPPER SCRATCH "/rtm9_real_upper"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(UPPER);
        mkdir_p(SCRATCH "/rtm9_lower");
        mkdir_p(SCRATCH "/rtm9_work");
        mkdir_p(ALLOWED);
        return 0;
    }
    private_mounts();
    if (mount("overlay", ALLOWED, "overlay", 0, "lowerdir=" SCRATCH "/rtm9_lower,upperdir=" UPPER ",workdir=" SCRATCH "/rtm9_work") < 0 || chdir(ALLOWED) < 0)
        DIE("mount overlay");
    int fd = open("rtm9_overlay", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("open");
    did("overlay on %s (upper %s), open(rtm9_overlay, O_CREAT); real file exists: %s", ALLOWED, UPPER, yes_no(UPPER "/rtm9_overlay"));
    return 0;
}
