/* f10_mntns_link_open: as f10_mntns_link_chmod, with an open: in a private mount namespace a
 * tmpfs over ALLOWED/ns holds l -> SCRATCH/rtm10_real_mno; open(ALLOWED
 * "/ns/l/rtm10_mns_open", O_WRONLY|O_TRUNC). On the host ALLOWED/ns/l is a dir with a twin. The
 * baseline of the pair: an open is named from its new fd by the kernel. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_mno"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        touch_p(REAL "/rtm10_mns_open");
        touch_p(ALLOWED "/ns/l/rtm10_mns_open");
        return 0;
    }
    private_mounts();
    if (mount("tmpfs", ALLOWED "/ns", "tmpfs", 0, "size=64k") < 0)
        DIE("mount tmpfs");
    if (symlink(REAL, ALLOWED "/ns/l") < 0)
        DIE("symlink");
    write_file(ALLOWED "/ns/l/rtm10_mns_open", "rtm10 written in a private mount ns\n");
    struct stat st;
    stat(REAL "/rtm10_mns_open", &st);
    did("open(%s/ns/l/rtm10_mns_open, O_WRONLY) in a private mount ns; real size now %ld", ALLOWED, (long)st.st_size);
    return 0;
}
