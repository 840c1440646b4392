/* p10_thread_vfork: a second thread calls vfork(); the child (sharing the thread's memory and
 * blocking only that thread) execs /usr/bin/touch SCRATCH/rtm10_thread_vfork while the main
 * thread keeps running. */
#include "r10.h"
static void *worker(void *arg)
{
    (void)arg;
    char *args[] = {"touch", SCRATCH "/rtm10_thread_vfork", NULL};
    pid_t c = vfork();
    if (c == 0) {
        execv("/usr/bin/touch", args);
        _exit(127);
    }
    waitpid(c, NULL, 0);
    return NULL;
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(SCRATCH);
        return 0;
    }
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    did("vfork + execv(/usr/bin/touch) from a second thread; file exists: %s", yes_no(SCRATCH "/rtm10_thread_vfork"));
    return 0;
}
