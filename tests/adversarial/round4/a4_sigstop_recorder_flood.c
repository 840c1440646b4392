/* SIGSTOP the recorder (it cannot catch or ignore it), flood 400,000 failing opens from four
 * threads while it sleeps, fork + exec /bin/touch rtm4_after_sigstop, then SIGCONT: the kernel
 * side keeps producing into buffers nobody drains. */
#include "r4.h"
static void *flood(void *arg)
{
    char p[96];
    for (int i = 0; i < 100000; i++) {
        snprintf(p, sizeof p, SCRATCH "/nonexistent/%ld/%d", (long)arg, i);
        open(p, O_RDONLY);
    }
    return NULL;
}
int main(void)
{
    pid_t rec = find_recorder();
    if (!rec) {
        fprintf(stderr, "no recorder ancestor\n");
        return 1;
    }
    if (kill(rec, SIGSTOP) < 0)
        DIE("SIGSTOP");
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, flood, (void *)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    char *argv[] = {"/bin/touch", SCRATCH "/rtm4_after_sigstop", NULL};
    int st = spawn_wait(argv);
    kill(rec, SIGCONT);
    did("SIGSTOP recorder %d, 400000-open flood, touch rtm4_after_sigstop: status %d, SIGCONT", rec, st);
    return 0;
}
