/* RAND_bytes from libcrypto linked statically into the program. */
#include <openssl/rand.h>
#include <stdio.h>
int main(void) {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) { fprintf(stderr, "adversarial: RAND_bytes failed\n"); return 1; }
    return 0;
}
