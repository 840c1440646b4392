/* p6_sysv_shm_job: a job runner started before the recording polls a System V shared memory
 * segment (key 0x52544d36) for a command and runs it. The program attaches the segment
 * (shmget + shmat: no path, no open), writes "touch SCRATCH/rtm6_shm_job" and a flag, and
 * waits for the done flag. The runner fork+execs /bin/touch. */
#include "r6.h"
#include <sys/shm.h>

#define NAME "rtm6_shm_runner"
#define KEY 0x52544d36
struct job {
    volatile int state; /* 0 idle, 1 submitted, 2 done */
    int status;
    char path[256];
};

static void daemon_main(void)
{
    int id = shmget(KEY, 4096, IPC_CREAT | 0600);
    if (id < 0)
        DIE("shmget");
    struct job *j = shmat(id, NULL, 0);
    j->state = 0;
    daemon_ready(NAME);
    for (;;) {
        if (j->state == 1) {
            pid_t p = fork();
            if (p == 0) {
                execl("/bin/touch", "touch", j->path, (char *)NULL);
                _exit(127);
            }
            int st;
            waitpid(p, &st, 0);
            j->status = st;
            __atomic_store_n(&j->state, 2, __ATOMIC_RELEASE);
            shmctl(id, IPC_RMID, NULL);
        }
        usleep(10000);
    }
}

int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_daemon(NAME, daemon_main);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon(NAME);
        int id = shmget(KEY, 0, 0);
        if (id >= 0)
            shmctl(id, IPC_RMID, NULL);
        return 0;
    }
    int id = shmget(KEY, 0, 0);
    if (id < 0)
        DIE("shmget");
    struct job *j = shmat(id, NULL, 0);
    if (j == (void *)-1)
        DIE("shmat");
    snprintf(j->path, sizeof j->path, SCRATCH "/rtm6_shm_job");
    __atomic_store_n(&j->state, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < 300 && j->state != 2; i++)
        usleep(10000);
    did("job submitted through shm key 0x%x; runner status %d, state %d", KEY, j->status, j->state);
    return 0;
}
