/* fremovexattr(2) through a read-only fd: a user.* attribute an install stored on a file is
 * deleted. xattr permission is the inode's, not the fd's mode: no write-open, no path. */
#include "r5.h"
#define F SCRATCH "/rtm5_removexattr"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(F, 100);
        if (setxattr(F, "user.rtm5_attr", "secret-config", 13, 0) < 0)
            DIE("setxattr");
        return 0;
    }
    int fd = open(F, O_RDONLY);
    if (fd < 0)
        DIE("open");
    if (fremovexattr(fd, "user.rtm5_attr") < 0)
        DIE("fremovexattr");
    char b[64];
    did("fremovexattr(user.rtm5_attr) through a read-only fd; attribute now %s", getxattr(F, "user.rtm5_attr", b, sizeof b) < 0 ? "gone" : "present");
    return 0;
}
