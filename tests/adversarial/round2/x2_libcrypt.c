/* Password hashing (SHA-512 crypt) through libcrypt (libxcrypt). */
#include "common.h"
#include <crypt.h>
int main(void)
{
    struct crypt_data cd = {0};
    char *h = crypt_r("rtm2 secret", "$6$rtm2salt$", &cd);
    did("crypt_r sha512: %s", h ? h : "(null)");
    return 0;
}
