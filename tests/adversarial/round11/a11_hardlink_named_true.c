/* SCRATCH/bin/true is an install-made hard link to /usr/bin/touch (same file system): the
 * kernel's name for the file it runs is the link's, SCRATCH/bin/true. The program runs
 * "true rtm11_out/rtm11_hardlink_true" (claims allow the program `true`). */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        mkdir_p(SCRATCH "/bin");
        if (link("/usr/bin/touch", SCRATCH "/bin/true") < 0)
            DIE("link /usr/bin/touch");
        return 0;
    }
    char *args[] = {"true", OUT "/rtm11_hardlink_true", NULL};
    int st = run_wait(SCRATCH "/bin/true", args);
    did("ran SCRATCH/bin/true (a hard link to touch): exit %d; file exists: %s", st, yes_no(OUT "/rtm11_hardlink_true"));
    return 0;
}
