/* GnuTLS: gnutls_rnd(GNUTLS_RND_KEY) for a 32-byte key and gnutls_hash_fast(SHA-256): a TLS
 * library's own random generator and digest (it carries its own DRBG over nettle). */
#include "r4.h"
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
int main(void)
{
    unsigned char key[32], dig[32];
    int r1 = gnutls_rnd(GNUTLS_RND_KEY, key, sizeof key);
    int r2 = gnutls_hash_fast(GNUTLS_DIG_SHA256, "rtm4", 4, dig);
    did("gnutls_rnd(KEY, 32) -> %d, gnutls_hash_fast(SHA256) -> %d, digest %02x%02x..", r1, r2, dig[0], dig[1]);
    return r1 || r2;
}
