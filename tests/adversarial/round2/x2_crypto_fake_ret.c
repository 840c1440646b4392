/* RAND_bytes and EVP_Digest (SHA-256) entered with a forged return address in libc. */
#include "envcommon.h"
#include <openssl/evp.h>
#include <openssl/rand.h>
int main(void)
{
    void *gadget = ret_gadget_near(libc_sym("getpid"));
    unsigned char buf[32];
    long rc = fake_call((void *)RAND_bytes, gadget, (long)buf, sizeof buf);
    did("RAND_bytes(32) with return address %p in libc -> %ld", gadget, rc);
    return 0;
}
