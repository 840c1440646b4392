/* SHA-256 and AES-128 from libnettle (GnuTLS's crypto library), not libcrypto. */
#include "r3.h"
#include <nettle/aes.h>
#include <nettle/sha2.h>
int main(void)
{
    struct sha256_ctx c;
    unsigned char d[32], key[16] = "rtm3rtm3rtm3rtm3", out[16];
    sha256_init(&c);
    sha256_update(&c, 4, (const uint8_t *)"rtm3");
    sha256_digest(&c, 32, d);
    struct aes128_ctx a;
    aes128_set_encrypt_key(&a, key);
    aes128_encrypt(&a, 16, out, d);
    did("nettle sha256 -> %02x%02x%02x%02x..., aes128_encrypt -> %02x%02x...", d[0], d[1], d[2], d[3], out[0], out[1]);
    return 0;
}
