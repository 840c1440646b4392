/* f6_loop_device_write: the install attached a loop device to a file (SCRATCH/rtm6_loop_backing,
 * 64 KiB) and wrote the device's name next to it. The program writes 512 bytes to the block
 * device /dev/loopN; the kernel's loop worker writes them into the backing file. The program
 * never opens the backing file for writing. cleanup detaches the device. */
#include "r6.h"
#include <linux/loop.h>

#define BACKING SCRATCH "/rtm6_loop_backing"
#define DEVNAME SCRATCH "/rtm6_loop_dev"

int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        prepare_file(BACKING, 65536);
        int ctl = open("/dev/loop-control", O_RDWR);
        int n = ioctl(ctl, LOOP_CTL_GET_FREE);
        if (n < 0)
            DIE("LOOP_CTL_GET_FREE");
        char dev[64];
        snprintf(dev, sizeof dev, "/dev/loop%d", n);
        int d = open(dev, O_RDWR), b = open(BACKING, O_RDWR);
        struct loop_config c = {.fd = b};
        if (d < 0 || b < 0 || ioctl(d, LOOP_CONFIGURE, &c) < 0)
            DIE("LOOP_CONFIGURE %s", dev);
        write_file(DEVNAME, dev);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        char dev[64];
        read_small(DEVNAME, dev, sizeof dev);
        int d = open(dev, O_RDWR);
        if (d >= 0 && ioctl(d, LOOP_CLR_FD) < 0)
            perror("LOOP_CLR_FD");
        return 0;
    }
    char dev[64];
    read_small(DEVNAME, dev, sizeof dev);
    int d = open(dev, O_WRONLY);
    if (d < 0)
        DIE("open %s", dev);
    char block[512];
    memset(block, 0, sizeof block);
    snprintf(block, sizeof block, "rtm6 written through %s\n", dev);
    ssize_t n = pwrite(d, block, sizeof block, 0);
    fsync(d);
    close(d);
    /* No read-back here (it would put the backing file's path in the trace): run.py checks it. */
    did("pwrite %s -> %zd", dev, n);
    return 0;
}
