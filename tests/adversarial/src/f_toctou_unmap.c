/* Like f_toctou_fifo, but the swapping thread unmaps the page holding the path while open(2)
 * blocks: a copy at syscall exit can only fail. */
#include "rt.h"
#include <pthread.h>
static char *path;
static void *unmapper(void *unused) {
    (void)unused;
    usleep(300 * 1000);
    munmap(path, 4096);
    rt_fifo_release(SCRATCH "/plain_fifo2");
    return NULL;
}
int main(void) {
    rt_scratch();
    rt_fifo_two_names(SCRATCH "/plain_fifo2", SCRATCH "/rtm_toctou_unmap");
    path = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(path, SCRATCH "/rtm_toctou_unmap");
    pthread_t t;
    pthread_create(&t, NULL, unmapper, NULL);
    int fd = open(path, O_WRONLY);
    if (fd < 0) DIE("open fifo");
    pthread_join(t, NULL);
    close(fd);
    return 0;
}
