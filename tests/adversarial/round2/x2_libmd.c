/* SHA-256 through libmd (libbsd's message-digest library), dlopened. */
#include "common.h"
#include <dlfcn.h>
int main(void)
{
    void *h = dlopen("libmd.so.0", RTLD_NOW);
    if (!h)
        DIE("dlopen libmd: %s", dlerror());
    char *(*sha256data)(const void *, size_t, char *) = dlsym(h, "SHA256Data");
    char out[65];
    sha256data("rtm2", 4, out);
    did("libmd SHA256Data(\"rtm2\") = %s", out);
    return 0;
}
