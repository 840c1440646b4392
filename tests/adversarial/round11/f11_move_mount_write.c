/* Private mount namespace: open_tree(rtm11_out/rtm11_real_mm, OPEN_TREE_CLONE) and
 * move_mount() it onto ALLOWED/mnt (new mount API), then create ALLOWED/mnt/rtm11_move_mount:
 * the file lands in rtm11_out/rtm11_real_mm on the host. */
#include "r11.h"
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        mkdir_p(OUT "/rtm11_real_mm");
        mkdir_p(ALLOWED "/mnt");
        return 0;
    }
    private_mounts();
    int t = syscall(SYS_open_tree, AT_FDCWD, OUT "/rtm11_real_mm", OPEN_TREE_CLONE);
    if (t < 0)
        DIE("open_tree");
    if (syscall(SYS_move_mount, t, "", AT_FDCWD, ALLOWED "/mnt", MOVE_MOUNT_F_EMPTY_PATH) < 0)
        DIE("move_mount");
    write_file(ALLOWED "/mnt/rtm11_move_mount", "RTM11 through a moved mount\n");
    did("wrote ALLOWED/mnt/rtm11_move_mount; real file exists: %s", yes_no(OUT "/rtm11_real_mm/rtm11_move_mount"));
    return 0;
}
