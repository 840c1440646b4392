/* fork + exec bash -c 'exec -a apt-get /usr/bin/touch rtm11_out/rtm11_exec_a': a shell wrapper
 * that runs touch in place under the harness's name. */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        return 0;
    }
    char *args[] = {"sh", "-c", "exec -a apt-get /usr/bin/touch " OUT "/rtm11_exec_a", NULL};
    int st = run_wait("/usr/bin/bash", args);
    did("bash -c exec -a apt-get touch: exit %d; file exists: %s", st, yes_no(OUT "/rtm11_exec_a"));
    return 0;
}
