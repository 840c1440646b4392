/* f10_mntns_link_chmod: in a private mount namespace, a tmpfs over ALLOWED/ns holds a symlink
 * `l` -> SCRATCH/rtm10_real_mns; chmod(ALLOWED "/ns/l/rtm10_mns_chmod", 04755) by its absolute
 * path. On the host (the recorder's namespace), ALLOWED/ns/l is a plain directory holding a
 * twin file: the same path names a file in the allowed dir there. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_mns"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        touch_p(REAL "/rtm10_mns_chmod");
        touch_p(ALLOWED "/ns/l/rtm10_mns_chmod");
        return 0;
    }
    private_mounts();
    if (mount("tmpfs", ALLOWED "/ns", "tmpfs", 0, "size=64k") < 0)
        DIE("mount tmpfs");
    if (symlink(REAL, ALLOWED "/ns/l") < 0)
        DIE("symlink");
    if (chmod(ALLOWED "/ns/l/rtm10_mns_chmod", 04755) < 0)
        DIE("chmod");
    did("chmod(%s/ns/l/rtm10_mns_chmod, 04755) in a private mount ns; real mode now %o", ALLOWED, mode_of(REAL "/rtm10_mns_chmod"));
    return 0;
}
