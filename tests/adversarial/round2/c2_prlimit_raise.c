/* prlimit64 raising the RLIMIT_NOFILE hard limit above its value (CAP_SYS_RESOURCE): an attempt. */
#include "common.h"
#include <sys/resource.h>
int main(void)
{
    struct rlimit old, rl;
    prlimit(0, RLIMIT_NOFILE, NULL, &old);
    rl.rlim_cur = old.rlim_cur, rl.rlim_max = old.rlim_max + 4096;
    /* An attempt counts whether or not it succeeds (this host's root lacks CAP_SYS_RESOURCE). */
    int rc = prlimit(0, RLIMIT_NOFILE, &rl, NULL);
    did("prlimit64 raising RLIMIT_NOFILE hard limit %lu -> %lu: rc %d (%s)", (unsigned long)old.rlim_max, (unsigned long)rl.rlim_max, rc,
        rc ? strerror(errno) : "ok");
    return 0;
}
