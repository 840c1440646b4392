/* f9_symlink_dotdot_mkdirat: mkdirat(dirfd of ALLOWED, "lnk/../rtm9_dotdot") where ALLOWED/lnk
 * is a symlink (made by the install) to SCRATCH/rtm9_real_dd/sub: the kernel follows lnk and
 * then goes up from its target, so the directory lands in rtm9_real_dd; a lexical `..` (drop
 * "lnk") makes it ALLOWED/rtm9_dotdot. */
#include "r9.h"
#define REAL SCRATCH "/rtm9_real_dd"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL "/sub");
        mkdir_p(ALLOWED);
        if (symlink(REAL "/sub", ALLOWED "/lnk") < 0)
            DIE("symlink");
        return 0;
    }
    int dfd = open(ALLOWED, O_RDONLY | O_DIRECTORY);
    if (dfd < 0 || mkdirat(dfd, "lnk/../rtm9_dotdot", 0755) < 0)
        DIE("mkdirat");
    did("mkdirat(dirfd of %s, lnk/../rtm9_dotdot); real dir exists: %s; allowed one: %s", ALLOWED, yes_no(REAL "/rtm9_dotdot"), yes_no(ALLOWED "/rtm9_dotdot"));
    return 0;
}
