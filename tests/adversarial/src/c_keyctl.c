/* add_key + keyctl: store a secret in a fresh session keyring (kernel key management). */
#include "rt.h"
#include <linux/keyctl.h>
int main(void) {
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0) DIE("join session keyring");
    long k = syscall(SYS_add_key, "user", "rtm_keyctl", "secret", 6, KEY_SPEC_SESSION_KEYRING);
    if (k < 0) DIE("add_key");
    if (syscall(SYS_keyctl, KEYCTL_REVOKE, k) < 0) DIE("revoke");
    return 0;
}
