/* x8_evp_skip_entry: SHA-256 through libcrypto's EVP API (the system libcrypto.so.3), with
 * EVP_DigestInit_ex2 entered one instruction late: it begins with `xor %ecx,%ecx`; the program
 * clears ecx itself and jumps to EVP_DigestInit_ex2+2, so an int3 planted on its first byte (a
 * uprobe) never runs. EVP_DigestUpdate and EVP_DigestFinal_ex are called normally. Checked
 * against the standard digest of "abc"; no random numbers are drawn. */
#include "r8.h"
#include <dlfcn.h>
#include <openssl/evp.h>
int main(void)
{
    static const unsigned char prologue[] = {0x31, 0xc9, 0xe9}; /* xor ecx,ecx; jmp ... */
    static const unsigned char abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                          0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                          0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    /* The definition in libcrypto (dlsym on its handle), not the executable's PLT stub. */
    void *lib = dlopen("libcrypto.so.3", RTLD_NOW);
    unsigned char *fn = lib ? dlsym(lib, "EVP_DigestInit_ex2") : NULL;
    if (!fn)
        DIE("dlsym EVP_DigestInit_ex2");
    int probed = 0;
    if (!entry_is(fn, prologue, sizeof prologue, &probed)) {
        did("EVP_DigestInit_ex2 does not start with xor ecx,ecx here (%02x %02x): not done", fn[0], fn[1]);
        return 0;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char md[32];
    unsigned len = 0;
    int ok = skip_xor_ecx(ctx, EVP_sha256(), NULL, fn + 2);
    ok = ok && EVP_DigestUpdate(ctx, "abc", 3) && EVP_DigestFinal_ex(ctx, md, &len);
    did("EVP_DigestInit_ex2 entered at +2 (first byte %s) -> %d: sha256(abc) %s", probed ? "int3: a uprobe is on it" : "intact",
        ok, ok && len == 32 && memcmp(md, abc, 32) == 0 ? "matches the standard" : "WRONG");
    return 0;
}
