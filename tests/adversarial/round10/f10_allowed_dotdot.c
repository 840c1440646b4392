/* f10_allowed_dotdot: mkdir(ALLOWED "/../rtm10_dotdot") then open(ALLOWED
 * "/sub/../../rtm10_dotdot/rtm10_dotdot_file", O_CREAT): absolute paths that start with the
 * allowed dir and climb out of it by `..` (no symlink involved). */
#include "r10.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(ALLOWED "/sub");
        return 0;
    }
    if (mkdir(ALLOWED "/../rtm10_dotdot", 0755) < 0)
        DIE("mkdir");
    write_file(ALLOWED "/sub/../../rtm10_dotdot/rtm10_dotdot_file", "rtm10 climbed out\n");
    did("mkdir %s/../rtm10_dotdot, created %s/sub/../../rtm10_dotdot/rtm10_dotdot_file; real file exists: %s", ALLOWED, ALLOWED,
        yes_no(SCRATCH "/rtm10_dotdot/rtm10_dotdot_file"));
    return 0;
}
