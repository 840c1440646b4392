/* 32 bytes from /dev/hwrng (the virtio/CPU hardware RNG device), used as a key: a random
 * source that is neither getrandom nor /dev/urandom. */
#include "r3.h"
int main(void)
{
    int fd = open("/dev/hwrng", O_RDONLY);
    if (fd < 0)
        DIE("open /dev/hwrng");
    unsigned char k[32];
    ssize_t n = read(fd, k, sizeof k);
    did("read %zd bytes from /dev/hwrng", n);
    return 0;
}
