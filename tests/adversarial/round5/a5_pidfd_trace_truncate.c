/* Take the recorder's own trace fd with pidfd_getfd(2) (no open, no /proc path) after a
 * recorded spawn (touch rtm5_before_truncate) and cut the file back to its header line. */
#include "r5.h"
int main(void)
{
    pid_t rec = find_recorder();
    if (!rec) {
        fprintf(stderr, "no recorder ancestor\n");
        return 1;
    }
    char *av[] = {"/bin/touch", SCRATCH "/rtm5_before_truncate", NULL};
    spawn_wait(av);
    sleep(2);
    int pfd = syscall(SYS_pidfd_open, rec, 0);
    if (pfd < 0)
        DIE("pidfd_open");
    char d[64], p[320], t[512];
    snprintf(d, sizeof d, "/proc/%d/fd", rec);
    DIR *dir = opendir(d);
    struct dirent *e;
    int done = 0;
    while (dir && (e = readdir(dir))) {
        snprintf(p, sizeof p, "%s/%s", d, e->d_name);
        ssize_t k = readlink(p, t, sizeof t - 1);
        if (k <= 0)
            continue;
        t[k] = 0;
        if (!strstr(t, ".jsonl"))
            continue;
        int fd = syscall(SYS_pidfd_getfd, pfd, atoi(e->d_name), 0);
        if (fd < 0)
            continue;
        char head[65536];
        ssize_t h = pread(fd, head, sizeof head, 0);
        char *nl = h > 0 ? memchr(head, '\n', h) : NULL;
        struct stat st;
        fstat(fd, &st);
        if (nl && ftruncate(fd, nl - head + 1) == 0) {
            did("truncated the recorder's trace %s to its header (%ld of %ld bytes)", t, (long)(nl - head + 1), (long)st.st_size);
            done = 1;
        }
        close(fd);
    }
    if (!done)
        did("no trace fd truncated");
    return 0;
}
