/* The main thread calls pthread_exit (the leader is a zombie); a remaining thread then execs:
 * the kernel's de_thread makes the exec'ing thread take over the leader's pid. */
#include "common.h"
#include <pthread.h>
static void *late(void *arg)
{
    (void)arg;
    usleep(200000);
    char *argv[] = {"/bin/true", "rtm2_thread_exec_after_exit", NULL};
    execve("/bin/true", argv, NULL);
    _exit(127);
}
int main(void)
{
    pthread_t t;
    did("main thread exits; a thread then execs /bin/true rtm2_thread_exec_after_exit");
    pthread_create(&t, NULL, late, NULL);
    pthread_exit(NULL);
}
