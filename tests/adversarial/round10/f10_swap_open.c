/* f10_swap_open: the swap of f10_swap_chmod around openat(dirfd of ALLOWED,
 * "lnk/rtm10_swap_open", O_WRONLY|O_TRUNC): the baseline of the swaps (an open is named by the
 * kernel from its new fd, not looked up later). */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_swo"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        swap_prepare(REAL);
        touch_p(REAL "/rtm10_swap_open");
        touch_p(ALLOWED "/decoy/rtm10_swap_open");
        return 0;
    }
    int dfd = open(ALLOWED, O_RDONLY | O_DIRECTORY);
    if (dfd < 0)
        DIE("open");
    swap();
    int fd = openat(dfd, "lnk/rtm10_swap_open", O_WRONLY | O_TRUNC);
    swap();
    if (fd < 0)
        DIE("openat");
    if (write(fd, "rtm10 swapped\n", 14) < 0)
        DIE("write");
    close(fd);
    struct stat st;
    stat(REAL "/rtm10_swap_open", &st);
    did("openat(dirfd of %s, lnk/rtm10_swap_open, O_WRONLY) with lnk swapped for the call; real size now %ld", ALLOWED, (long)st.st_size);
    return 0;
}
