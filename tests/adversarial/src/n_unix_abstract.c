/* Abstract-namespace unix socket: a listener and a connect with no file system name. */
#include "net.h"
int main(void) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    const char name[] = "rtm_unix_abstract";
    memcpy(a.sun_path + 1, name, sizeof name - 1);
    socklen_t len = offsetof(struct sockaddr_un, sun_path) + 1 + sizeof name - 1;
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    if (bind(l, (struct sockaddr *)&a, len) < 0 || listen(l, 1) < 0) DIE("listen");
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, len) < 0) DIE("connect");
    return 0;
}
