/* f9_bind_over_allowed: in a private mount namespace, bind SCRATCH/rtm9_real_bind over
 * ALLOWED, chdir(ALLOWED), open("rtm9_bind", O_CREAT). The walk crosses the bind to its mount
 * point and names the file ALLOWED/rtm9_bind: right in the namespace, but the file is
 * rtm9_real_bind/rtm9_bind on the host's disk. The checker's mount views should place it. */
#include "r9.h"
#define SRC SCRATCH "/rtm9_real_bind"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(SRC);
        mkdir_p(ALLOWED);
        return 0;
    }
    private_mounts();
    if (mount(SRC, ALLOWED, NULL, MS_BIND, NULL) < 0 || chdir(ALLOWED) < 0)
        DIE("bind/chdir");
    int fd = open("rtm9_bind", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("open");
    did("bind %s over %s, chdir, open(rtm9_bind, O_CREAT); real file exists: %s", SRC, ALLOWED, yes_no(SRC "/rtm9_bind"));
    return 0;
}
