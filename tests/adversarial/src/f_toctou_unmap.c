/* Like f_toctou_fifo, but the swapping thread unmaps the page holding the path while open(2)
 * blocks: a copy at syscall exit can only fail. */
#include "rt.h"
#include <pthread.h>
static char *path;
static void *unmapper(void *unused) {
    (void)unused;
    usleep(300 * 1000);
    munmap(path, 4096);
    int r = open(SCRATCH "/plain_fifo2", O_RDONLY | O_NONBLOCK);
    usleep(300 * 1000);
    if (r >= 0) close(r);
    return NULL;
}
int main(void) {
    rt_scratch();
    unlink(SCRATCH "/plain_fifo2");
    unlink(SCRATCH "/rtm_toctou_unmap");
    if (mkfifo(SCRATCH "/plain_fifo2", 0600) < 0) DIE("mkfifo");
    if (link(SCRATCH "/plain_fifo2", SCRATCH "/rtm_toctou_unmap") < 0) DIE("link");
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
