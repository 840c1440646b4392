/* f10_swap_rename_dest: renameat(ALLOWED/rtm10_src -> dirfd of ALLOWED, "lnk/rtm10_swap_dest")
 * with ALLOWED/lnk pointing at SCRATCH/rtm10_real_swr only for the call; at rest it points at
 * ALLOWED/decoy, where a twin file named rtm10_swap_dest already exists. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_swr"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        swap_prepare(REAL);
        write_file(ALLOWED "/rtm10_src", "rtm10 moved out\n");
        touch_p(ALLOWED "/decoy/rtm10_swap_dest");
        return 0;
    }
    int dfd = open(ALLOWED, O_RDONLY | O_DIRECTORY);
    if (dfd < 0)
        DIE("open");
    swap();
    int r = renameat(dfd, "rtm10_src", dfd, "lnk/rtm10_swap_dest");
    swap();
    if (r < 0)
        DIE("renameat");
    did("renameat(rtm10_src -> lnk/rtm10_swap_dest) with lnk swapped for the call; real file exists: %s; lnk -> %s",
        yes_no(REAL "/rtm10_swap_dest"), link_target(ALLOWED "/lnk"));
    return 0;
}
