/* f10_flood_amid_write: four threads flood 400,000 failing opens (ENOENT); halfway through,
 * the main thread creates SCRATCH/rtm10_real_flood/rtm10_flood (outside the allowed dir) and
 * writes it, while the flood goes on. If the ring drops that event, the trace must say so
 * (a lost open), and file_io must not come out held. */
#include "r10.h"
#define REAL SCRATCH "/rtm10_real_flood"
#define PER 100000
static volatile int half;
static void *flood(void *arg)
{
    char p[64];
    for (int i = 0; i < PER; i++) {
        snprintf(p, sizeof p, "/nonexistent-rtm10/%d", i & 1023);
        open(p, O_RDONLY);
        if (arg && i == PER / 2)
            half = 1;
    }
    return NULL;
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(REAL);
        mkdir_p(ALLOWED);
        return 0;
    }
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, flood, i == 0 ? (void *)1 : NULL);
    while (!half)
        usleep(100);
    write_file(REAL "/rtm10_flood", "rtm10 written amid a flood\n");
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    did("400000 failing opens from 4 threads, %s/rtm10_flood written halfway; real file exists: %s", REAL, yes_no(REAL "/rtm10_flood"));
    return 0;
}
