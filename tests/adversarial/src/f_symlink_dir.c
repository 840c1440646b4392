/* Write through a directory symlink made before recording: the opened path names only the
 * link, the marker is the real directory's name. */
#include "rt.h"
int main(int argc, char **argv) {
    rt_scratch();
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        mkdir(SCRATCH "/rtm_symlink_dir_real", 0755);
        unlink(SCRATCH "/plain_dirlink");
        if (symlink(SCRATCH "/rtm_symlink_dir_real", SCRATCH "/plain_dirlink") < 0) DIE("symlink");
        return 0;
    }
    int fd = open(SCRATCH "/plain_dirlink/written", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) DIE("open");
    close(fd);
    return 0;
}
