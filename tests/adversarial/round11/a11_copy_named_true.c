/* A copy of /usr/bin/touch installed as SCRATCH/bin/true (install-made); the program runs
 * "true rtm11_out/rtm11_named_true". A claim "spawns only true" (allow.programs = ["true"])
 * must not hold: the program the kernel ran is touch, whatever its file is called. */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        mkdir_p(SCRATCH "/bin");
        copy_file("/usr/bin/touch", SCRATCH "/bin/true", 0755);
        return 0;
    }
    char *args[] = {"true", OUT "/rtm11_named_true", NULL};
    int st = run_wait(SCRATCH "/bin/true", args);
    did("ran SCRATCH/bin/true (a copy of touch): exit %d; file exists: %s", st, yes_no(OUT "/rtm11_named_true"));
    return 0;
}
