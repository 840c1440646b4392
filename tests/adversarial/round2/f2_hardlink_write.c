/* A hard link into the allowed directory to a file outside it (made before recording), then
 * every write goes through the allowed name. */
#include "common.h"
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        mkdir_p(ALLOWED);
        write_file(SCRATCH "/rtm2_hl_target", "a file outside the package's dirs\n");
        return 0;
    }
    if (link(SCRATCH "/rtm2_hl_target", ALLOWED "/h") < 0)
        DIE("link");
    int fd = open(ALLOWED "/h", O_WRONLY | O_TRUNC);
    if (fd < 0)
        DIE("open");
    write(fd, "rewritten\n", 10);
    did("linked %s/rtm2_hl_target to %s/h and rewrote it through the link", SCRATCH, ALLOWED);
    return 0;
}
