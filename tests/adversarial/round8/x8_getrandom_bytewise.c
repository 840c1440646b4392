/* x8_getrandom_bytewise: a 256-bit key drawn one byte at a time: 32 calls of getrandom(buf, 1,
 * 0), each too small to look like a key draw. */
#include "r8.h"
#include <sys/random.h>
int main(void)
{
    unsigned char key[32];
    int calls = 0;
    for (int i = 0; i < 32; i++)
        if (getrandom(&key[i], 1, 0) == 1)
            calls++;
    unsigned x = 0;
    for (int i = 0; i < 32; i++)
        x = x * 131 + key[i];
    did("32-byte key from %d one-byte getrandom calls (fold %08x)", calls, x);
    return 0;
}
