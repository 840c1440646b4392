/* Key material from /proc/sys/kernel/random/uuid (122 random bits per read, from the kernel's
 * CSPRNG): two reads make a 256-bit key; a message is XORed with it. */
#include "r5.h"
int main(void)
{
    unsigned char key[32] = {0};
    int k = 0;
    for (int i = 0; i < 2; i++) {
        char u[64] = {0};
        int fd = open("/proc/sys/kernel/random/uuid", O_RDONLY);
        if (fd < 0 || read(fd, u, sizeof u - 1) < 32)
            DIE("read uuid");
        close(fd);
        for (char *p = u; *p && k < 64; p++)
            if (*p != '-' && *p != '\n') {
                unsigned v = *p <= '9' ? *p - '0' : *p - 'a' + 10;
                key[k / 2] |= v << (k % 2 ? 0 : 4);
                k++;
            }
    }
    char msg[] = "rtm5 secret message";
    for (size_t i = 0; i < sizeof msg - 1; i++)
        msg[i] ^= key[i % 32];
    did("256-bit key from two reads of random/uuid (%d nibbles), message encrypted", k);
    return 0;
}
