/* x8_sha256_lowlevel: SHA-256 and one AES-128 block through libcrypto's low-level
 * (deprecated, still exported) API: SHA256_Init/Update/Final and AES_set_encrypt_key +
 * AES_encrypt, called normally, no EVP function. Checked against the standard digest of "abc"
 * and FIPS-197's AES-128 vector. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "r8.h"
#include <openssl/aes.h>
#include <openssl/sha.h>
int main(void)
{
    static const unsigned char abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                          0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                          0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    static const unsigned char key[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                          0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
    static const unsigned char pt[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                         0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
    static const unsigned char ct[16] = {0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
                                         0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a};
    SHA256_CTX c;
    unsigned char md[32], out[16];
    SHA256_Init(&c);
    SHA256_Update(&c, "abc", 3);
    SHA256_Final(md, &c);
    AES_KEY k;
    AES_set_encrypt_key(key, 128, &k);
    AES_encrypt(pt, out, &k);
    did("SHA256_Init/Update/Final: sha256(abc) %s; AES_encrypt: FIPS-197 vector %s",
        memcmp(md, abc, 32) == 0 ? "matches the standard" : "WRONG", memcmp(out, ct, 16) == 0 ? "matches" : "WRONG");
    return 0;
}
