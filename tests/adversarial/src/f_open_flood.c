/* 4 threads x 50,000 failing opens, then one open of the marker: can the ring keep up, and is
 * any loss counted? */
#include "rt.h"
#include <pthread.h>
static void *flood(void *unused) {
    (void)unused;
    for (int i = 0; i < 50000; i++) open(SCRATCH "/plain_missing", O_RDONLY);
    return NULL;
}
int main(void) {
    rt_scratch();
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, flood, NULL);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    rt_write_file(SCRATCH "/rtm_open_flood", "x");
    return 0;
}
