/* getenv from a second libc: a copy of libc.so.6 the install put elsewhere, loaded with
 * dlmopen(LM_ID_NEWLM) into its own link namespace (its own __environ, set by its init from
 * the process's envp). Another file, another inode, the same function. */
#include "r5.h"
#include <dlfcn.h>
#define LIB SCRATCH "/rtm5_lib/libc.so.6"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir(SCRATCH "/rtm5_lib", 0755);
        copy_file("/lib/x86_64-linux-gnu/libc.so.6", LIB, 0755);
        return 0;
    }
    void *h = dlmopen(LM_ID_NEWLM, LIB, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "dlmopen: %s\n", dlerror());
        return 1;
    }
    char *(*g)(const char *) = (char *(*)(const char *))dlsym(h, "getenv");
    const char *v = g ? g("RTM5_LIBC_COPY") : NULL;
    did("getenv(RTM5_LIBC_COPY) from the libc copy %s -> %s", LIB, v ? v : "(null)");
    return 0;
}
