/* Ask an unrecorded process (here our helper; in real life systemd-run, at, a D-Bus activated
 * service) to spawn the program: the recorded tree forks and execs nothing. */
#include "helper_client.h"
int main(void) {
    int s = helper_ask('X', NULL);
    close(s);
    usleep(300 * 1000);
    return 0;
}
