/* Mbed TLS's libmbedcrypto (dlopen): SHA-256 and one AES-128 block. */
#include "r5.h"
#include <dlfcn.h>
int main(void)
{
    void *h = dlopen("libmbedcrypto.so.7", RTLD_NOW);
    if (!h) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    int (*sha)(const unsigned char *, size_t, unsigned char *, int) = dlsym(h, "mbedtls_sha256_ret");
    if (!sha)
        sha = dlsym(h, "mbedtls_sha256");
    void (*ainit)(void *) = dlsym(h, "mbedtls_aes_init");
    int (*setkey)(void *, const unsigned char *, unsigned) = dlsym(h, "mbedtls_aes_setkey_enc");
    int (*ecb)(void *, int, const unsigned char *, unsigned char *) = dlsym(h, "mbedtls_aes_crypt_ecb");
    if (!sha || !ainit || !setkey || !ecb)
        DIE("dlsym");
    unsigned char d[32], in[16] = "rtm5 plaintext!", out[16];
    static char ctx[4096] __attribute__((aligned(16)));
    int r1 = sha((const unsigned char *)"rtm5", 4, d, 0);
    ainit(ctx);
    int r2 = setkey(ctx, (const unsigned char *)"0123456789abcdef", 128);
    int r3 = ecb(ctx, 1, in, out);
    did("mbedtls: sha256 -> %d, aes setkey -> %d, ecb encrypt -> %d", r1, r2, r3);
    return 0;
}
