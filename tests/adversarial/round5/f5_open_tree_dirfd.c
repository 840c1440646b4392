/* open_tree(2) without OPEN_TREE_CLONE (no privilege, no mount): an O_PATH fd of a directory
 * the install made, then openat(fd, "data.txt", O_CREAT|O_WRONLY). The directory's name is only
 * in the open_tree call. */
#include "r5.h"
#define D SCRATCH "/rtm5_otree_dir"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir(D, 0755);
        return 0;
    }
    int dfd = syscall(428 /* open_tree */, AT_FDCWD, D, 02000000 /* OPEN_TREE_CLOEXEC = O_CLOEXEC */);
    if (dfd < 0)
        DIE("open_tree");
    int fd = openat(dfd, "data.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("openat");
    if (write(fd, "payload\n", 8) != 8)
        DIE("write");
    close(fd);
    did("open_tree(%s) -> %d, openat(%d, data.txt, O_CREAT)", D, dfd, dfd);
    return 0;
}
