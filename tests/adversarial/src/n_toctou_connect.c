/* TOCTOU on connect's address: a unix stream connect blocks while the listener's backlog is
 * full; meanwhile another thread rewrites the sockaddr to a decoy path. */
#include "net.h"
#include <pthread.h>
static struct sockaddr_un target = {.sun_family = AF_UNIX, .sun_path = SCRATCH "/rtm_toctou_connect"};
static int l;
static void *swapper(void *unused) {
    (void)unused;
    usleep(300 * 1000);
    strcpy(target.sun_path, SCRATCH "/plain_decoy_sock");
    accept(l, NULL, NULL); /* makes room: the blocked connect to the marker name completes */
    return NULL;
}
int main(void) {
    rt_scratch();
    unlink(SCRATCH "/plain_listener");
    unlink(SCRATCH "/rtm_toctou_connect");
    l = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un la = {.sun_family = AF_UNIX, .sun_path = SCRATCH "/plain_listener"};
    if (bind(l, (struct sockaddr *)&la, sizeof la) < 0 || listen(l, 0) < 0) DIE("listen");
    if (link(SCRATCH "/plain_listener", SCRATCH "/rtm_toctou_connect") < 0) DIE("link");
    /* Fill the backlog (0 means one queued connection) through the plain name. */
    for (int i = 0; i < 2; i++) {
        int f = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
        connect(f, (struct sockaddr *)&la, sizeof la);
    }
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    struct timeval tv = {.tv_sec = 3};
    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    pthread_t t;
    pthread_create(&t, NULL, swapper, NULL);
    connect(c, (struct sockaddr *)&target, sizeof target); /* blocks until the swapper accepts */
    pthread_join(t, NULL);
    return 0;
}
