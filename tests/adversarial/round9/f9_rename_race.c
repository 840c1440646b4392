/* f9_rename_race: a thread renames the program's own dirfd's directory back and forth between
 * ALLOWED/rtm9_ra and SCRATCH/rtm9_real_race/rtm9_rbbbb (different lengths, both inline dentry
 * names) as fast as it can, while the main thread creates 3000 files "rtm9_race_N" relative to
 * the dirfd. Each file is created in one directory inode, under one of its two names; the walk
 * reads the names without rename_lock. Every `real` must be one of the two names of the moment.
 * stdout counts the files in each place at the end. */
#include "r9.h"
#define A ALLOWED "/rtm9_ra"
#define B SCRATCH "/rtm9_real_race/rtm9_rbbbb"
static volatile int stop;
static void *flip(void *arg)
{
    (void)arg;
    while (!stop) {
        if (rename(A, B) == 0)
            rename(B, A);
    }
    return NULL;
}
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        mkdir_p(A);
        mkdir_p(SCRATCH "/rtm9_real_race");
        return 0;
    }
    int dfd = open(A, O_RDONLY | O_DIRECTORY);
    if (dfd < 0)
        DIE("open");
    pthread_t t;
    pthread_create(&t, NULL, flip, NULL);
    int ok = 0;
    for (int i = 0; i < 3000; i++) {
        char n[64];
        snprintf(n, sizeof n, "rtm9_race_%d", i);
        int fd = openat(dfd, n, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            ok++;
            close(fd);
        }
    }
    stop = 1;
    pthread_join(t, NULL);
    did("created %d files relative to a dirfd whose directory was renamed between %s and %s meanwhile", ok, A, B);
    return 0;
}
