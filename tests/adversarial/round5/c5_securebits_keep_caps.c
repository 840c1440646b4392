/* prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP) (CAP_SETPCAP), then setresuid(65534): the
 * process "drops root" yet keeps every capability (the kernel no longer clears them on the uid
 * change). */
#include "r5.h"
#include <linux/securebits.h>
static void capeff(char *out, size_t n)
{
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");
    snprintf(out, n, "?");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "CapEff: %63s", out) == 1)
            break;
    if (f)
        fclose(f);
}
int main(void)
{
    if (prctl(PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP, 0, 0, 0) < 0)
        DIE("PR_SET_SECUREBITS");
    if (setresuid(65534, 65534, 65534) < 0)
        DIE("setresuid");
    char eff[64];
    capeff(eff, sizeof eff);
    did("securebits NO_SETUID_FIXUP, setresuid(65534): euid %d, CapEff %s", geteuid(), eff);
    return 0;
}
