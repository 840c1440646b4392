/* TOCTOU on the path argument: open(2) of a FIFO blocks until a reader comes; meanwhile a
 * second thread overwrites the path buffer with a decoy. The kernel opened the marker name; a
 * recorder that copies the path at syscall exit reads the decoy. */
#include "rt.h"
#include <pthread.h>
static char path[256] = SCRATCH "/rtm_toctou_fifo";
static void *swapper(void *unused) {
    (void)unused;
    usleep(300 * 1000);
    strcpy(path, SCRATCH "/plain_decoy_fifo");
    rt_fifo_release(SCRATCH "/plain_fifo");
    return NULL;
}
int main(void) {
    rt_scratch();
    rt_fifo_two_names(SCRATCH "/plain_fifo", SCRATCH "/rtm_toctou_fifo");
    pthread_t t;
    pthread_create(&t, NULL, swapper, NULL);
    int fd = open(path, O_WRONLY);
    if (fd < 0) DIE("open fifo");
    pthread_join(t, NULL);
    close(fd);
    return 0;
}
