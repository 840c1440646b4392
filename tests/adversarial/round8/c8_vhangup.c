/* c8_vhangup: vhangup(2) (CAP_SYS_TTY_CONFIG) after setsid(): with no controlling terminal the
 * call hangs up nothing, but it is the privileged call itself. */
#include "r8.h"
int main(void)
{
    if (setsid() < 0) {
        /* Already a session leader: go on only if it has no controlling terminal. */
        int t = open("/dev/tty", O_RDONLY);
        if (t >= 0 || errno != ENXIO)
            DIE("a controlling terminal may be ours: refuse");
    }
    int r = vhangup();
    did("vhangup() with no controlling tty -> %d", r);
    return 0;
}
