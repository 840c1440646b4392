/* New mount namespace, overlayfs mounted over the allowed dir with its upper dir outside it;
 * a file created by the allowed path is written by overlayfs into the upper dir (a kernel-side
 * create, visible to everyone under SCRATCH/rtm3_ovl_upper). */
#include "r3.h"
#define UP SCRATCH "/rtm3_ovl_upper"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(ALLOWED);
        mkdir_p(UP);
        mkdir_p(SCRATCH "/rtm3_ovl_work");
        mkdir_p(SCRATCH "/rtm3_ovl_lower");
        return 0;
    }
    if (unshare(CLONE_NEWNS) < 0)
        DIE("unshare");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        DIE("make / private");
    if (mount("overlay", ALLOWED, "overlay", 0,
              "lowerdir=" SCRATCH "/rtm3_ovl_lower,upperdir=" UP ",workdir=" SCRATCH "/rtm3_ovl_work") < 0)
        DIE("mount overlay");
    write_file(ALLOWED "/data.txt", "rtm3 overlay\n");
    struct stat st;
    if (stat(UP "/data.txt", &st) == 0)
        did("created %s/data.txt; it is %s/data.txt", ALLOWED, UP);
    return 0;
}
