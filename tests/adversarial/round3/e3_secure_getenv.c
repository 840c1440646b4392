/* secure_getenv(3): glibc's other getenv (returns NULL in setuid programs), another symbol. */
#include "r3.h"
int main(void)
{
    const char *v = secure_getenv("RTM3_SECURE_GETENV");
    did("secure_getenv(RTM3_SECURE_GETENV) -> %s", v ? v : "(null)");
    return 0;
}
