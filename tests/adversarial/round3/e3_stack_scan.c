/* Read a variable by scanning the initial stack backwards from the AT_EXECFN string (the
 * environment strings lie just below it): no getenv, no environ, no /proc. */
#include "r3.h"
#include <sys/auxv.h>
int main(void)
{
    const char *top = (const char *)getauxval(AT_EXECFN);
    char key[32];
    snprintf(key, sizeof key, "%s_%s=", "RTM3", "STACK_SCAN"); /* not a literal in .rodata */
    size_t kl = strlen(key);
    const char *found = NULL;
    for (const char *p = top; p > top - 65536; p--)
        if (p[-1] == 0 && memcmp(p, key, kl) == 0) {
            found = p + kl;
            break;
        }
    did("stack scan from AT_EXECFN: RTM3_STACK_SCAN -> %s", found ? found : "(not found)");
    return 0;
}
