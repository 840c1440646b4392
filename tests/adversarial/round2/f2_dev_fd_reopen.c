/* Read-only open of an existing file, then /dev/fd/N reopened for writing and truncated. */
#include "common.h"
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        write_file(SCRATCH "/rtm2_devfd", "shipped content\n");
        return 0;
    }
    int r = open(SCRATCH "/rtm2_devfd", O_RDONLY);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", r);
    int w = open(path, O_WRONLY | O_TRUNC);
    if (w < 0)
        DIE("open %s", path);
    write(w, "replaced\n", 9);
    did("opened %s/rtm2_devfd read-only, rewrote it through %s", SCRATCH, path);
    return 0;
}
