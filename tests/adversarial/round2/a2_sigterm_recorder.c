/* kill(recorder, SIGTERM) while ignoring SIGTERM ourselves: the recording ends early; the spawn
 * comes after it. */
#include "forge.h"
int main(void)
{
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    pid_t rec = find_recorder();
    if (rec)
        kill(rec, SIGTERM);
    usleep(1500000);
    spawn_marker("rtm2_after_sigterm");
    did("sent SIGTERM to the recorder %d, then spawned /bin/true rtm2_after_sigterm", rec);
    return 0;
}
