/* mknodat(S_IFREG) creates an (empty) regular file: no open, no creat. */
#include "r3.h"
#define F SCRATCH "/rtm3_mknod_regular"
int main(void)
{
    if (mknodat(AT_FDCWD, F, S_IFREG | 0644, 0) < 0)
        DIE("mknodat");
    did("mknodat(S_IFREG) created %s", F);
    return 0;
}
