/* Write a file through an fd another (unrecorded) process opened and passed over SCM_RIGHTS. */
#include "helper_client.h"
int main(void) {
    int fd;
    int s = helper_ask('F', &fd);
    if (write(fd, "rtm_scm_file\n", 13) < 0) DIE("write");
    close(fd);
    close(s);
    return 0;
}
