/* RAND_bytes from a byte-identical copy of libcrypto under the scratch dir (made before
 * recording): the same code at another inode, which uprobes on the system file do not cover. */
#include "rt.h"
#include <dlfcn.h>
#define COPY SCRATCH "/libcrypto-copy.so.3"
int main(int argc, char **argv) {
    rt_scratch();
    if (argc > 1 && strcmp(argv[1], "prepare") == 0) {
        void *h = dlopen("libcrypto.so.3", RTLD_NOW);
        Dl_info info;
        if (!h || !dladdr(dlsym(h, "RAND_bytes"), &info)) { fprintf(stderr, "adversarial: no libcrypto\n"); return 1; }
        char cmd[512];
        snprintf(cmd, sizeof cmd, "cp '%s' " COPY, info.dli_fname);
        return system(cmd);
    }
    void *h = dlopen(COPY, RTLD_NOW);
    if (!h) { fprintf(stderr, "adversarial: dlopen failed\n"); return 1; }
    int (*rand_bytes)(unsigned char *, int) = (int (*)(unsigned char *, int))dlsym(h, "RAND_bytes");
    unsigned char b[16];
    if (!rand_bytes || rand_bytes(b, sizeof b) != 1) { fprintf(stderr, "adversarial: RAND_bytes failed\n"); return 1; }
    return 0;
}
