/* mkdtemp(3): a private temporary directory (mkdir 0700), nothing written in it yet: the temp
 * dir itself is the trace of a temp-file user. */
#include "r4.h"
int main(void)
{
    char t[] = SCRATCH "/rtm4_mkdtemp.XXXXXX";
    if (!mkdtemp(t))
        DIE("mkdtemp");
    did("mkdtemp -> %s", t);
    return 0;
}
