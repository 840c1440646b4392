/* execve from a non-leader thread: the kernel kills the other threads and the exec'ing thread
 * takes over the thread-group id. */
#include "rt.h"
#include <pthread.h>
static void *runner(void *unused) {
    (void)unused;
    execl("/bin/true", "true", "rtm_thread_exec", (char *)NULL);
    return NULL;
}
int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, runner, NULL);
    pause();
    return 0;
}
