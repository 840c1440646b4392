/* f10_mntns_bind_chmod: in a private mount namespace, SCRATCH/rtm10_real_mb is bind-mounted
 * over ALLOWED/b; chmod(ALLOWED "/b/rtm10_bind_chmod", 04755). No symlink anywhere: on the
 * host, ALLOWED/b is a plain directory holding a twin file. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_mb"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        touch_p(REAL "/rtm10_bind_chmod");
        touch_p(ALLOWED "/b/rtm10_bind_chmod");
        return 0;
    }
    private_mounts();
    if (mount(REAL, ALLOWED "/b", NULL, MS_BIND, NULL) < 0)
        DIE("bind mount");
    if (chmod(ALLOWED "/b/rtm10_bind_chmod", 04755) < 0)
        DIE("chmod");
    did("chmod(%s/b/rtm10_bind_chmod, 04755) in a private mount ns with %s bound over %s/b; real mode now %o", ALLOWED, REAL, ALLOWED,
        mode_of(REAL "/rtm10_bind_chmod"));
    return 0;
}
