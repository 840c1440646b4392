/* setxattr of a trusted.* attribute (CAP_SYS_ADMIN) on a prepared file, by path (the baseline
 * of c5_uring_personality). */
#include "r5.h"
#define F SCRATCH "/rtm5_trusted"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(F, 100);
        return 0;
    }
    if (setxattr(F, "trusted.rtm5_trusted", "v", 1, 0) < 0)
        DIE("setxattr trusted");
    char b[8];
    did("setxattr(trusted.rtm5_trusted) -> 0; reads back %zd bytes", getxattr(F, "trusted.rtm5_trusted", b, sizeof b));
    return 0;
}
