/* New mount namespace; the new mount API (open_tree(OPEN_TREE_CLONE) + move_mount) puts a
 * bind of the real dir over the allowed one, with no mount(2) call; then create by the allowed
 * path. */
#include "r3.h"
#define REAL SCRATCH "/rtm3_otree_real"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(ALLOWED);
        mkdir_p(REAL);
        return 0;
    }
    if (unshare(CLONE_NEWNS) < 0)
        DIE("unshare");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        DIE("make / private");
    int t = syscall(SYS_open_tree, AT_FDCWD, REAL, 1 /* OPEN_TREE_CLONE */ | O_CLOEXEC);
    if (t < 0)
        DIE("open_tree");
    if (syscall(SYS_move_mount, t, "", AT_FDCWD, ALLOWED, 4 /* MOVE_MOUNT_F_EMPTY_PATH */) < 0)
        DIE("move_mount");
    write_file(ALLOWED "/data.txt", "rtm3 open_tree\n");
    did("open_tree+move_mount %s over %s, created data.txt by the allowed path", REAL, ALLOWED);
    return 0;
}
