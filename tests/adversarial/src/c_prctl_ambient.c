/* prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW): a capability that survives exec. */
#include "rt.h"
#include <sys/prctl.h>
#include <linux/capability.h>
int main(void) {
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) < 0) DIE("ambient raise");
    return 0;
}
