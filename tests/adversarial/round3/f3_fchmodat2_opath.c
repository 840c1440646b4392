/* chmod 0777 through an O_PATH fd with fchmodat2(fd, "", mode, AT_EMPTY_PATH) (6.6+): the only
 * call that names the file is an O_PATH open, which neither reads nor writes. */
#include "r3.h"
#define F SCRATCH "/rtm3_fchmodat2"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(F, 16);
        return 0;
    }
    int fd = open(F, O_PATH);
    if (fd < 0)
        DIE("open O_PATH");
    if (syscall(452, fd, "", 0777, AT_EMPTY_PATH) < 0)
        DIE("fchmodat2");
    struct stat st;
    stat(F, &st);
    did("fchmodat2(O_PATH fd, \"\", AT_EMPTY_PATH): mode now %o", st.st_mode & 07777);
    return 0;
}
