/* O_PATH open of a file made before the recording, then fchownat(fd, "", 65534, 65534,
 * AT_EMPTY_PATH): the owner changes with no write-open and no path in the call. */
#include "r4.h"
#define F SCRATCH "/rtm4_fchownat"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(F, 16);
        return 0;
    }
    int fd = open(F, O_PATH);
    if (fd < 0)
        DIE("open O_PATH");
    if (fchownat(fd, "", 65534, 65534, AT_EMPTY_PATH) < 0)
        DIE("fchownat");
    struct stat st;
    stat(F, &st);
    did("fchownat(O_PATH fd, \"\", AT_EMPTY_PATH): owner now %d:%d", st.st_uid, st.st_gid);
    return 0;
}
