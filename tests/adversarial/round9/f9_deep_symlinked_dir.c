/* f9_deep_symlinked_dir: ALLOWED/deeplnk is a symlink (made by the install) to a directory 70
 * levels below SCRATCH/rtm9_real_deep ("d/d/.../d"); the program opens ALLOWED/deeplnk as a
 * dirfd and openat(dirfd, "rtm9_deep", O_CREAT). The walk gives up past 64 components; the
 * fd table names the dirfd by its symlink. */
#include "r9.h"
#define REAL SCRATCH "/rtm9_real_deep"
static char deep[1024];
static void deep_path(void)
{
    int n = snprintf(deep, sizeof deep, "%s", REAL);
    for (int i = 0; i < 70; i++)
        n += snprintf(deep + n, sizeof deep - n, "/d");
}
int main(int argc, char **argv)
{
    deep_path();
    if (is_prepare(argc, argv)) {
        mkdir_p(deep);
        mkdir_p(ALLOWED);
        if (symlink(deep, ALLOWED "/deeplnk") < 0)
            DIE("symlink");
        return 0;
    }
    int dfd = open(ALLOWED "/deeplnk", O_RDONLY | O_DIRECTORY);
    int fd = openat(dfd, "rtm9_deep", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (dfd < 0 || fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("openat");
    char p[1100];
    snprintf(p, sizeof p, "%s/rtm9_deep", deep);
    did("openat(dirfd of %s/deeplnk -> 70 levels below %s, rtm9_deep, O_CREAT); real file exists: %s", ALLOWED, REAL, yes_no(p));
    return 0;
}
