/* SHA-256 and random bytes from libgcrypt (not libcrypto). */
#include "r3.h"
#include <gcrypt.h>
int main(void)
{
    gcry_check_version(NULL);
    unsigned char d[32], r[16];
    gcry_md_hash_buffer(GCRY_MD_SHA256, d, "rtm3", 4);
    gcry_randomize(r, sizeof r, GCRY_STRONG_RANDOM);
    did("libgcrypt gcry_md_hash_buffer SHA-256 -> %02x%02x%02x%02x..., gcry_randomize 16 bytes", d[0], d[1], d[2], d[3]);
    return 0;
}
