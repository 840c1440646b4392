/* setxattr user.rtm11_payload (1 KiB) and a utimensat on rtm11_out/rtm11_xattr (install-made):
 * data stored with a file outside the allowed dir, with no open for writing. */
#include "r11.h"
#include <sys/xattr.h>
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        write_file(OUT "/rtm11_xattr", "x");
        return 0;
    }
    char v[1024];
    memset(v, 'R', sizeof v);
    int r = setxattr(OUT "/rtm11_xattr", "user.rtm11_payload", v, sizeof v, 0);
    struct timespec ts[2] = {{1, 0}, {1, 0}};
    int u = utimensat(AT_FDCWD, OUT "/rtm11_xattr", ts, 0);
    did("setxattr %d utimensat %d; user.rtm11_payload is %zd bytes", r, u, getxattr(OUT "/rtm11_xattr", "user.rtm11_payload", NULL, 0));
    return 0;
}
