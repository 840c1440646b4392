/* libcrypto entry points as thread start routines: libc's start_thread is their immediate
 * caller. RAND_status and RAND_poll take no arguments; RAND_bytes is reached through them. */
#include "common.h"
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
int main(void)
{
    void *(*fns[])(void *) = {(void *(*)(void *))RAND_status, (void *(*)(void *))RAND_poll,
                              (void *(*)(void *))EVP_MD_CTX_new, (void *(*)(void *))EVP_CIPHER_CTX_new};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        pthread_t t;
        pthread_create(&t, NULL, fns[i], NULL);
        pthread_join(t, NULL);
    }
    did("RAND_status, RAND_poll, EVP_MD_CTX_new, EVP_CIPHER_CTX_new as thread start routines");
    return 0;
}
