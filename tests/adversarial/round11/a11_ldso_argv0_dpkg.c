/* fork + exec /lib64/ld-linux-x86-64.so.2 --argv0 dpkg /usr/bin/touch rtm11_out/rtm11_ldso:
 * the exec names the loader, argv[0] the program sees is "dpkg". */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        return 0;
    }
    char *args[] = {"ld-linux-x86-64.so.2", "--argv0", "dpkg", "/usr/bin/touch", OUT "/rtm11_ldso", NULL};
    int st = run_wait("/lib64/ld-linux-x86-64.so.2", args);
    did("ld.so --argv0 dpkg touch: exit %d; file exists: %s", st, yes_no(OUT "/rtm11_ldso"));
    return 0;
}
