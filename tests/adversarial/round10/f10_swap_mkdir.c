/* f10_swap_mkdir: mkdirat(dirfd of ALLOWED, "lnk/rtm10_swap_mkdir") with ALLOWED/lnk pointing
 * at SCRATCH/rtm10_real_swm only for the call (exchanged before and back after); at rest it
 * points at ALLOWED/decoy, where a twin directory already exists. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_swm"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        swap_prepare(REAL);
        mkdir_p(ALLOWED "/decoy/rtm10_swap_mkdir");
        return 0;
    }
    int dfd = open(ALLOWED, O_RDONLY | O_DIRECTORY);
    if (dfd < 0)
        DIE("open");
    swap();
    int r = mkdirat(dfd, "lnk/rtm10_swap_mkdir", 0755);
    swap();
    if (r < 0)
        DIE("mkdirat");
    did("mkdirat(dirfd of %s, lnk/rtm10_swap_mkdir) with lnk swapped for the call; real dir exists: %s; lnk -> %s",
        ALLOWED, yes_no(REAL "/rtm10_swap_mkdir"), link_target(ALLOWED "/lnk"));
    return 0;
}
