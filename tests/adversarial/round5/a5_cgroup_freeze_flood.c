/* Freeze the recorder with the cgroup v2 freezer (no signal it could see or the trace could
 * show as one), flood 400,000 failing opens from four threads, fork + exec /bin/touch
 * rtm5_after_freeze, thaw it and move it back. */
#include "rec5.h"
static void *flood(void *arg)
{
    char p[96];
    for (int i = 0; i < 100000; i++) {
        snprintf(p, sizeof p, SCRATCH "/nonexistent/%ld/%d", (long)arg, i);
        open(p, O_RDONLY);
    }
    return NULL;
}
int main(int argc, char **argv)
{
    if (freeze_prepare_cleanup(argc, argv))
        return 0;
    pid_t rec = freeze_recorder();
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, flood, (void *)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    char *av[] = {"/bin/touch", SCRATCH "/rtm5_after_freeze", NULL};
    int st = spawn_wait(av);
    thaw_recorder(rec);
    did("froze recorder %d (cgroup.freeze), 400000-open flood, touch rtm5_after_freeze: status %d, thawed", rec, st);
    return 0;
}
