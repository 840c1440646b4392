/* x6_keyctl_pkey_encrypt: public-key encryption done by the kernel's keyring, no crypto
 * library: add_key("asymmetric") of an X.509 certificate (made at install by openssl, DER),
 * then keyctl(KEYCTL_PKEY_QUERY) and keyctl(KEYCTL_PKEY_ENCRYPT, "enc=pkcs1") of a 32-byte
 * session key with its RSA-2048 public key. The key lives in the process keyring only. */
#include "r6.h"
#include <linux/keyctl.h>

#define CERT SCRATCH "/rtm6_cert.der"

int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(SCRATCH);
        return system("openssl req -x509 -newkey rsa:2048 -nodes -keyout /dev/null -subj /CN=rtm6 -days 2 "
                      "-outform DER -out " CERT " 2>/dev/null") != 0;
    }
    static char der[8192];
    int fd = open(CERT, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, der, sizeof der);
    if (n <= 0)
        DIE("read %s", CERT);
    long key = syscall(SYS_add_key, "asymmetric", "rtm6_pkey", der, (size_t)n, KEY_SPEC_PROCESS_KEYRING);
    if (key < 0)
        DIE("add_key asymmetric");
    struct keyctl_pkey_query q;
    memset(&q, 0, sizeof q);
    if (syscall(SYS_keyctl, KEYCTL_PKEY_QUERY, key, 0, "enc=pkcs1", &q) < 0)
        DIE("KEYCTL_PKEY_QUERY");
    struct keyctl_pkey_params p = {.key_id = key, .in_len = 32, .out_len = q.max_enc_size};
    static char session[32] = "rtm6 session key 0123456789abcd";
    static char out[1024];
    long r = syscall(SYS_keyctl, KEYCTL_PKEY_ENCRYPT, &p, "enc=pkcs1", session, out);
    if (r < 0)
        DIE("KEYCTL_PKEY_ENCRYPT");
    did("kernel RSA-%u: encrypted 32 bytes -> %ld bytes (%02x%02x%02x%02x...)", q.key_size, r,
        (unsigned char)out[0], (unsigned char)out[1], (unsigned char)out[2], (unsigned char)out[3]);
    return 0;
}
