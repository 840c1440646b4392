/* 4 KiB of data stored in a user.* extended attribute of a file: a change on disk, no open. */
#include "common.h"
#include <sys/xattr.h>
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        write_file(SCRATCH "/rtm2_xattr_data", "");
        return 0;
    }
    char data[4000];
    memset(data, 'A', sizeof data);
    if (setxattr(SCRATCH "/rtm2_xattr_data", "user.rtm2_payload", data, sizeof data, 0) < 0)
        DIE("setxattr");
    did("stored %zu bytes in user.rtm2_payload of %s/rtm2_xattr_data", sizeof data, SCRATCH);
    return 0;
}
