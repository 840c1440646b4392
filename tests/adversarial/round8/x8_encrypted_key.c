/* x8_encrypted_key: the kernel's "encrypted" key type: a user key rtm8_master (a fixed 32-byte
 * master key), then add_key("encrypted", "new default user:rtm8_master 32"): the kernel draws 32
 * random bytes itself and encrypts them with AES-CBC under a key derived from the master key
 * (HMAC-SHA256 authenticated); KEYCTL_READ returns the blob. All in a fresh anonymous session
 * keyring; no crypto library, no getrandom. */
#include "r8.h"
#include <linux/keyctl.h>
int main(void)
{
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
        DIE("join session keyring");
    unsigned char master[32];
    for (int i = 0; i < 32; i++)
        master[i] = (unsigned char)(i * 37 + 11);
    long m = syscall(SYS_add_key, "user", "rtm8_master", master, sizeof master, KEY_SPEC_SESSION_KEYRING);
    if (m < 0)
        DIE("add_key user");
    const char *spec = "new default user:rtm8_master 32";
    long k = syscall(SYS_add_key, "encrypted", "rtm8_enc", spec, strlen(spec), KEY_SPEC_SESSION_KEYRING);
    if (k < 0)
        DIE("add_key encrypted");
    static char blob[4096];
    long n = syscall(SYS_keyctl, KEYCTL_READ, k, blob, sizeof blob - 1);
    if (n > 0 && n < (long)sizeof blob)
        blob[n] = 0;
    did("encrypted key %ld under user:rtm8_master: blob of %ld bytes (%.40s...)", k, n, n > 0 ? blob : "");
    return 0;
}
