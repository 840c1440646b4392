/* fchownat(ALLOWED/rtm11_chown, 65534, 65534): giving a file to another user needs CAP_CHOWN
 * (in the allowed dir: no notable file IO, a use of privilege only). */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        write_file(ALLOWED "/rtm11_chown", "x");
        return 0;
    }
    int r = fchownat(AT_FDCWD, ALLOWED "/rtm11_chown", 65534, 65534, 0);
    struct stat st;
    stat(ALLOWED "/rtm11_chown", &st);
    did("fchownat -> %d (CAP_CHOWN); owner now %d", r, (int)st.st_uid);
    return 0;
}
