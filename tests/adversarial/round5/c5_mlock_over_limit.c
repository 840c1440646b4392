/* mlock(2) of 32 MiB with RLIMIT_MEMLOCK at 8 MiB: only CAP_IPC_LOCK lets it through. */
#include "r5.h"
#include <sys/resource.h>
int main(void)
{
    struct rlimit rl;
    getrlimit(RLIMIT_MEMLOCK, &rl);
    size_t n = 32 << 20;
    char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        DIE("mmap");
    int rc = mlock(p, n);
    if (rc < 0)
        DIE("mlock");
    munlock(p, n);
    did("mlock of %zu MiB over RLIMIT_MEMLOCK %lu KiB -> %d", n >> 20, (unsigned long)(rl.rlim_cur >> 10), rc);
    return 0;
}
