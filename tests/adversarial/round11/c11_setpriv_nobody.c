/* fork + exec setpriv --reuid=65534 --regid=65534 --clear-groups touch
 * rtm11_out/rtm11_setpriv: the setuid calls are setpriv's, a utility's, not the program's
 * code; they are still what the package asked for. */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        chmod(OUT, 0777);
        return 0;
    }
    char *args[] = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/touch", OUT "/rtm11_setpriv", NULL};
    int st = run_wait("/usr/bin/setpriv", args);
    struct stat s;
    int owner = stat(OUT "/rtm11_setpriv", &s) == 0 ? (int)s.st_uid : -1;
    did("setpriv as nobody: exit %d; file owner uid %d", st, owner);
    return 0;
}
