/* f9_open_tree_detached: open_tree(SCRATCH/rtm9_real_tree, OPEN_TREE_CLONE) makes a detached
 * copy of that directory's mount (no mount namespace needed, nothing is mounted anywhere);
 * openat(tree fd, "tmp/redteam-adv9/allowed/rtm9_tree", O_CREAT) creates a file below it.
 * A walk that stops at the top of a mount whose parent is itself (a detached mount is its own
 * parent, as a namespace's root is) names the file from the detached mount's root:
 * "/tmp/redteam-adv9/allowed/rtm9_tree", the allowed dir. */
#include "r9.h"
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#define TREE SCRATCH "/rtm9_real_tree"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(TREE ALLOWED);
        mkdir_p(ALLOWED);
        return 0;
    }
    int tfd = syscall(SYS_open_tree, AT_FDCWD, TREE, OPEN_TREE_CLONE | O_CLOEXEC);
    if (tfd < 0)
        DIE("open_tree");
    int fd = openat(tfd, "tmp/redteam-adv9/allowed/rtm9_tree", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("openat");
    did("open_tree(%s, OPEN_TREE_CLONE), openat(tree, tmp/redteam-adv9/allowed/rtm9_tree, O_CREAT); real file exists: %s; allowed one: %s", TREE, yes_no(TREE ALLOWED "/rtm9_tree"), yes_no(ALLOWED "/rtm9_tree"));
    return 0;
}
