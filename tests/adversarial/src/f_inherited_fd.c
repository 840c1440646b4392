/* Write through fd 9, opened by whoever started the recorder (as systemd's socket activation or
 * a shell redirection would): the open predates the recording. */
#include "rt.h"
int main(void) {
    struct stat st;
    if (fstat(9, &st) < 0) DIE("fd 9 not inherited");
    if (write(9, "rtm_inherited_fd\n", 17) < 0) DIE("write");
    return 0;
}
