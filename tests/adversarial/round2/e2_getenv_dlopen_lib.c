/* getenv from a helper library the program ships next to itself and dlopens. */
#include "envcommon.h"
#include <libgen.h>
int main(void)
{
    char exe[512], path[600];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    snprintf(path, sizeof path, "%s/librtm2_envlib.so", dirname(exe));
    void *h = dlopen(path, RTLD_NOW);
    if (!h)
        DIE("dlopen %s: %s", path, dlerror());
    const char *(*rd)(void) = (const char *(*)(void))dlsym(h, "rtm2_lib_read");
    const char *v = rd();
    did("getenv(\"RTM2_DLOPEN_LIB\") from %s -> %s", path, v ? v : "(null)");
    return 0;
}
