/* utimensat by path: backdate a file's times to the epoch (hide a change from find -newer),
 * no open. */
#include "r3.h"
#define F SCRATCH "/rtm3_utimensat"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(F, 16);
        return 0;
    }
    struct timespec ts[2] = {{0, 0}, {0, 0}};
    if (utimensat(AT_FDCWD, F, ts, AT_SYMLINK_NOFOLLOW) < 0)
        DIE("utimensat");
    struct stat st;
    stat(F, &st);
    did("utimensat(%s): mtime now %ld", F, (long)st.st_mtime);
    return 0;
}
