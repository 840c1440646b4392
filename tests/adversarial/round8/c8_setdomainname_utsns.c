/* c8_setdomainname_utsns: setdomainname(2) (CAP_SYS_ADMIN; round 1 did sethostname) inside a
 * private UTS namespace: the host's NIS domain name is untouched. */
#include "r8.h"
int main(void)
{
    if (unshare(CLONE_NEWUTS) < 0)
        DIE("unshare(CLONE_NEWUTS)");
    const char *name = "rtm8-domain";
    int r = setdomainname(name, strlen(name));
    char now[64] = "";
    getdomainname(now, sizeof now);
    did("setdomainname(%s) in a new UTS ns -> %d; domain now %s", name, r, now);
    return 0;
}
