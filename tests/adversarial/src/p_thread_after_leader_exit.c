/* The main thread exits (pthread_exit) and a remaining thread does the work: spawns and writes. */
#include "rt.h"
#include <pthread.h>
static void *worker(void *unused) {
    (void)unused;
    usleep(300 * 1000);
    rt_write_file(SCRATCH "/rtm_thread_after_exit", "x");
    return NULL;
}
int main(void) {
    rt_scratch();
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_exit(NULL);
}
