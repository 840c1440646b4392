/* Talk over a TCP connection (to 127.0.0.1:47010) that another, unrecorded process connected
 * and passed over SCM_RIGHTS: there is no connect(2) in the recorded tree. */
#include "helper_client.h"
int main(void) {
    int fd;
    int s = helper_ask('S', &fd);
    if (write(fd, "rtm_scm_socket\n", 15) < 0) DIE("write");
    close(fd);
    close(s);
    return 0;
}
