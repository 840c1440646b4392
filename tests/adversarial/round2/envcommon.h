/* getenv as libc exports it (not the executable's PLT slot), and a `ret` byte in libc. */
#include "common.h"
#include <dlfcn.h>
typedef char *(*getenv_fn)(const char *);
static inline void *libc_sym(const char *name)
{
    void *h = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    void *s = h ? dlsym(h, name) : NULL;
    if (!s)
        DIE("dlsym %s", name);
    return s;
}
