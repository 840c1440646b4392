/* setns() through /proc/self/ns/net and /proc/self/ns/uts (CAP_SYS_ADMIN; re-entering the
 * namespaces the program is already in, so nothing changes). Entering another process's
 * namespaces (a container escape, `nsenter`) is the same call with another fd. */
#include "r3.h"
int main(void)
{
    int n = open("/proc/self/ns/net", O_RDONLY), u = open("/proc/self/ns/uts", O_RDONLY);
    if (n < 0 || u < 0)
        DIE("open /proc/self/ns");
    int a = setns(n, CLONE_NEWNET), b = setns(u, CLONE_NEWUTS);
    did("setns(net) -> %d, setns(uts) -> %d", a, b);
    return 0;
}
