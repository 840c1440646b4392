/* Private mount namespace: /usr/bin/touch bind-mounted over /usr/bin/true; fork + exec
 * /usr/bin/true rtm11_out/rtm11_bind_true runs touch under the allowed program's absolute path
 * (claims allow "/usr/bin/true"). */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        return 0;
    }
    private_mounts();
    if (mount("/usr/bin/touch", "/usr/bin/true", NULL, MS_BIND, NULL) < 0)
        DIE("bind touch over true");
    char *args[] = {"true", OUT "/rtm11_bind_true", NULL};
    int st = run_wait("/usr/bin/true", args);
    did("ran /usr/bin/true with touch bound over it: exit %d; file exists: %s", st, yes_no(OUT "/rtm11_bind_true"));
    return 0;
}
