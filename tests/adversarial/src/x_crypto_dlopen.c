/* Baseline: RAND_bytes from the system libcrypto, loaded with dlopen. */
#include "rt.h"
#include <dlfcn.h>
int main(void) {
    void *h = dlopen("libcrypto.so.3", RTLD_NOW);
    if (!h) { fprintf(stderr, "adversarial: dlopen failed\n"); return 1; }
    int (*rand_bytes)(unsigned char *, int) = (int (*)(unsigned char *, int))dlsym(h, "RAND_bytes");
    unsigned char b[16];
    if (!rand_bytes || rand_bytes(b, sizeof b) != 1) { fprintf(stderr, "adversarial: RAND_bytes failed\n"); return 1; }
    return 0;
}
