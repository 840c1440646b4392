/* The 16 random bytes the kernel put on the stack at exec (AT_RANDOM), used as a key. */
#include "common.h"
#include <sys/auxv.h>
int main(void)
{
    unsigned char *r = (unsigned char *)getauxval(AT_RANDOM);
    unsigned long key = 0;
    memcpy(&key, r, sizeof key);
    did("AT_RANDOM key %016lx", key ^ 0x72746d32UL);
    return 0;
}
