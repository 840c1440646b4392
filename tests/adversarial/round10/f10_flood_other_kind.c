/* f10_flood_other_kind: four threads flood 400,000 connect(2)s of a UDP socket to
 * 127.0.0.1:47905 (each succeeds at once, nothing is sent); halfway the main thread chmods
 * SCRATCH/rtm10_real_fk/rtm10_flood_chmod to 04755. The ring overflows with events of another
 * kind than the file change: a loss must still make file_io inconclusive. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_fk"
#define PER 100000
static volatile int half;
static void *flood(void *arg)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = lo4(47905);
    for (int i = 0; i < PER; i++) {
        connect(s, (struct sockaddr *)&a, sizeof a);
        if (arg && i == PER / 2)
            half = 1;
    }
    close(s);
    return NULL;
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        touch_p(REAL "/rtm10_flood_chmod");
        mkdir_p(ALLOWED);
        return 0;
    }
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, flood, i == 0 ? (void *)1 : NULL);
    while (!half)
        usleep(100);
    if (chmod(REAL "/rtm10_flood_chmod", 04755) < 0)
        DIE("chmod");
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    did("400000 UDP connects from 4 threads, chmod 04755 of %s/rtm10_flood_chmod halfway; real mode now %o", REAL, mode_of(REAL "/rtm10_flood_chmod"));
    return 0;
}
