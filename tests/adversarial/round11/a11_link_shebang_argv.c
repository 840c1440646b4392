/* ALLOWED/true is an install-made symlink to /usr/bin/touch. The program execs it with the argv
 * the kernel builds for a #! script (argv[1] is the path given): ["touch", ALLOWED "/true",
 * OUT "/rtm11_shebang_argv"]. With allow.programs = ["true"] a rule that trusts such an argv
 * as "a script run by its interpreter" takes touch for true's interpreter. */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        if (symlink("/usr/bin/touch", ALLOWED "/true") < 0)
            DIE("symlink");
        return 0;
    }
    char *args[] = {"touch", ALLOWED "/true", OUT "/rtm11_shebang_argv", NULL};
    int st = run_wait(ALLOWED "/true", args);
    did("exec ALLOWED/true (-> touch) with a #!-like argv: exit %d; file exists: %s", st, yes_no(OUT "/rtm11_shebang_argv"));
    return 0;
}
