/* Four threads flood failing opens (400,000 in all) while, 100 ms into the flood, the main
 * thread forks and execs /bin/true rtm4_flood_exec: the spawn happens in the middle of the
 * flood, not after it (round 1's floods came first, then the marker). */
#include "r4.h"
static volatile int stop;
static void *flood(void *arg)
{
    char p[96];
    for (int i = 0; i < 100000 && !stop; i++) {
        snprintf(p, sizeof p, SCRATCH "/nonexistent/%ld/%d", (long)arg, i);
        open(p, O_RDONLY);
    }
    return NULL;
}
int main(void)
{
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, flood, (void *)i);
    usleep(100000);
    char *argv[] = {"/bin/true", "rtm4_flood_exec", NULL};
    int st = spawn_wait(argv);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    did("fork+exec /bin/true rtm4_flood_exec amid a 400000-open flood: status %d", st);
    return 0;
}
