/* O_TMPFILE then linkat(AT_EMPTY_PATH): the file is written while nameless and only gets its
 * name (the marker) at the end. */
#include "rt.h"
int main(void) {
    rt_scratch();
    int fd = open(SCRATCH, O_TMPFILE | O_WRONLY, 0600);
    if (fd < 0) DIE("O_TMPFILE");
    if (write(fd, "payload\n", 8) < 0) DIE("write");
    if (linkat(fd, "", AT_FDCWD, SCRATCH "/rtm_tmpfile_linkat", AT_EMPTY_PATH) < 0) DIE("linkat");
    close(fd);
    return 0;
}
