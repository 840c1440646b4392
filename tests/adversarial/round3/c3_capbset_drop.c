/* prctl(PR_CAPBSET_DROP, CAP_SYS_BOOT) in a child (CAP_SETPCAP): changes the capability
 * bounding set, the privileged prctl a recorder may not name. */
#include "r3.h"
#include <linux/capability.h>
int main(void)
{
    pid_t c = fork();
    if (c == 0) {
        int rc = prctl(PR_CAPBSET_DROP, CAP_SYS_BOOT, 0, 0, 0);
        int still = prctl(PR_CAPBSET_READ, CAP_SYS_BOOT, 0, 0, 0);
        did("prctl(PR_CAPBSET_DROP, CAP_SYS_BOOT) -> %d; in bounding set now: %d", rc, still);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    return 0;
}
