/* libsodium (dlopen): randombytes_buf for a key + crypto_generichash (keyed BLAKE2b). */
#include "r5.h"
#include <dlfcn.h>
int main(void)
{
    void *h = dlopen("libsodium.so.23", RTLD_NOW);
    if (!h) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    int (*init)(void) = dlsym(h, "sodium_init");
    void (*rnd)(void *, size_t) = dlsym(h, "randombytes_buf");
    int (*gh)(unsigned char *, size_t, const unsigned char *, unsigned long long, const unsigned char *, size_t) = dlsym(h, "crypto_generichash");
    if (!init || !rnd || !gh)
        DIE("dlsym");
    int i = init();
    unsigned char key[32], out[32];
    rnd(key, sizeof key);
    int r = gh(out, sizeof out, (const unsigned char *)"rtm5", 4, key, sizeof key);
    did("libsodium: sodium_init -> %d, randombytes_buf, crypto_generichash -> %d", i, r);
    return 0;
}
