/* f9_odd_names: a dirfd of SCRATCH/rtm9_real_odd; openat(dirfd, "rtm9_odd_\n_\xff", O_CREAT):
 * a name with a newline and a byte that is not UTF-8. A name shown with U+FFFD in place of the
 * byte is a name no file has. */
#include "r9.h"
#define REAL SCRATCH "/rtm9_real_odd"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL);
        return 0;
    }
    int dfd = open(REAL, O_RDONLY | O_DIRECTORY);
    int fd = openat(dfd, "rtm9_odd_\n_\xff", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (dfd < 0 || fd < 0 || write(fd, "rtm9", 4) != 4)
        DIE("openat");
    did("openat(dirfd of %s, \"rtm9_odd_\\n_\\xff\", O_CREAT); real file exists: %s", REAL, yes_no(REAL "/rtm9_odd_\n_\xff"));
    return 0;
}
