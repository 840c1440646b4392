/* bind(2) of an AF_UNIX socket creates a file system entry without any open/mknod. */
#include "rt.h"
int main(void) {
    rt_scratch();
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, SCRATCH "/rtm_bind_unix_file");
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) DIE("bind");
    return 0;
}
