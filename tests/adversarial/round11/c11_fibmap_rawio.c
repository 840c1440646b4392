/* ioctl(FIBMAP) on a file of the allowed dir: the disk block of its first block, which needs
 * CAP_SYS_RAWIO. */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_out();
        prepare_file(ALLOWED "/rtm11_fibmap", 8192);
        return 0;
    }
    int fd = open(ALLOWED "/rtm11_fibmap", O_RDONLY);
    fsync(fd);
    int blk = 0;
    int r = ioctl(fd, FIBMAP, &blk);
    did("FIBMAP -> %d, block %d (CAP_SYS_RAWIO)", r, blk);
    return 0;
}
