/* glibc's envz_get(3) on an argz copy of environ: the environment read through a libc function
 * that is not getenv (argz_create copies it, envz_get looks the name up). */
#include "r4.h"
#include <argz.h>
#include <envz.h>
extern char **environ;
int main(void)
{
    char *argz = NULL;
    size_t len = 0;
    if (argz_create(environ, &argz, &len) != 0)
        DIE("argz_create");
    const char *v = envz_get(argz, len, "RTM4_ENVZ_GET");
    did("envz_get(RTM4_ENVZ_GET) -> %s", v ? v : "(null)");
    return 0;
}
