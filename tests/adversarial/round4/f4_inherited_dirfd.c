/* openat(9, "data.txt", O_CREAT|O_WRONLY): fd 9 is a directory (rtm4_inherited_dir) opened by
 * whoever started the recorder; the only path in the call is the relative name. */
#include "r4.h"
int main(void)
{
    int fd = openat(9, "data.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        DIE("openat(9)");
    if (write(fd, "rtm4\n", 5) != 5)
        DIE("write");
    close(fd);
    did("created data.txt under inherited dir fd 9 (%s)", SCRATCH "/rtm4_inherited_dir");
    return 0;
}
