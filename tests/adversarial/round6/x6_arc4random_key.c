/* x6_arc4random_key: a 256-bit key and a nonce from glibc's arc4random_buf (glibc 2.36 has it;
 * it fills the buffer from getrandom inside libc), then a toy keystream mixed with them. The
 * program calls no crypto library and no random syscall itself. */
#include "r6.h"
#include <stdint.h>

int main(void)
{
    unsigned char key[32], nonce[12];
    arc4random_buf(key, sizeof key);
    arc4random_buf(nonce, sizeof nonce);
    uint32_t x = arc4random_uniform(1000000);
    unsigned char msg[] = "rtm6 secret message", out[sizeof msg];
    for (size_t i = 0; i < sizeof msg; i++)
        out[i] = msg[i] ^ key[i % 32] ^ nonce[i % 12];
    did("arc4random_buf: 32-byte key %02x%02x%02x%02x..., 12-byte nonce, uniform %u; ciphertext %02x%02x...", key[0], key[1], key[2],
        key[3], x, out[0], out[1]);
    return 0;
}
