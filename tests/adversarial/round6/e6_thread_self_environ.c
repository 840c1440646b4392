/* e6_thread_self_environ: read the environment through a directory fd: a worker thread opens
 * /proc/thread-self (its /proc/PID/task/TID) as a directory, then openat(dirfd, "environ"):
 * the path never names /proc/self/environ. */
#include "r6.h"

static char result[256] = "(not found)";
static void *worker(void *arg)
{
    (void)arg;
    int dir = open("/proc/thread-self", O_RDONLY | O_DIRECTORY);
    if (dir < 0)
        DIE("open /proc/thread-self");
    int fd = openat(dir, "environ", O_RDONLY);
    if (fd < 0)
        DIE("openat environ");
    static char env[65536];
    ssize_t n = read(fd, env, sizeof env - 1);
    for (char *q = env; n > 0 && q < env + n; q += strlen(q) + 1)
        if (strncmp(q, "RTM6_THREAD_ENVIRON=", 20) == 0)
            snprintf(result, sizeof result, "%s", q + 20);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    did("openat(/proc/thread-self, \"environ\") in a thread: RTM6_THREAD_ENVIRON -> %s", result);
    return 0;
}
