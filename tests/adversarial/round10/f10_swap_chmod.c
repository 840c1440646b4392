/* f10_swap_chmod: fchmodat(dirfd of ALLOWED, "lnk/rtm10_swap_chmod", 04755) while ALLOWED/lnk
 * points at SCRATCH/rtm10_real_swc for a moment only: the link is exchanged (RENAME_EXCHANGE
 * with ALLOWED/lnk.alt) right before the call and back right after, within microseconds. At
 * rest, lnk points at ALLOWED/decoy, which holds a twin file: a lookup made tens of ms later
 * finds the twin, in the allowed dir. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_swc"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        swap_prepare(REAL);
        touch_p(REAL "/rtm10_swap_chmod");
        touch_p(ALLOWED "/decoy/rtm10_swap_chmod");
        return 0;
    }
    int dfd = open(ALLOWED, O_RDONLY | O_DIRECTORY);
    if (dfd < 0)
        DIE("open");
    swap();
    int r = fchmodat(dfd, "lnk/rtm10_swap_chmod", 04755, 0);
    swap();
    if (r < 0)
        DIE("fchmodat");
    did("fchmodat(dirfd of %s, lnk/rtm10_swap_chmod, 04755) with lnk swapped for the call; real mode now %o, decoy mode %o, lnk -> %s",
        ALLOWED, mode_of(REAL "/rtm10_swap_chmod"), mode_of(ALLOWED "/decoy/rtm10_swap_chmod"), link_target(ALLOWED "/lnk"));
    return 0;
}
