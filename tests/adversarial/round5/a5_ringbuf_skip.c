/* Erase events from the recorder's ring buffer before it reads them: freeze it (cgroup v2
 * freezer), fork + exec /bin/touch rtm5_after_skip, then for each BPF ring buffer only the
 * recorder holds (map ids from its fdinfo; BPF_MAP_GET_FD_BY_ID) mmap the consumer page and
 * set the consumer position to the producer position: every record not yet read is skipped,
 * none is counted as dropped. Thaw. */
#include "rec5.h"
#include <linux/bpf.h>
/* Map ids of ring buffers (type 27) held by process `pid`. */
static int ringbufs(pid_t pid, unsigned *ids, int max)
{
    char d[64], p[320], line[128];
    snprintf(d, sizeof d, "/proc/%d/fdinfo", pid);
    DIR *dir = opendir(d);
    int n = 0;
    struct dirent *e;
    while (dir && (e = readdir(dir)) && n < max) {
        snprintf(p, sizeof p, "%s/%s", d, e->d_name);
        FILE *f = fopen(p, "r");
        int type = -1;
        unsigned id = 0;
        while (f && fgets(line, sizeof line, f)) {
            sscanf(line, "map_type: %d", &type);
            sscanf(line, "map_id: %u", &id);
        }
        if (f)
            fclose(f);
        if (type == 27 && id)
            ids[n++] = id;
    }
    if (dir)
        closedir(dir);
    return n;
}
static int held_elsewhere(unsigned id, pid_t rec)
{
    DIR *proc = opendir("/proc");
    struct dirent *e;
    int found = 0;
    while (!found && (e = readdir(proc))) {
        pid_t pid = atoi(e->d_name);
        if (pid <= 0 || pid == rec || pid == getpid())
            continue;
        unsigned ids[16];
        int n = ringbufs(pid, ids, 16);
        for (int i = 0; i < n; i++)
            found |= ids[i] == id;
    }
    closedir(proc);
    return found;
}
int main(int argc, char **argv)
{
    if (freeze_prepare_cleanup(argc, argv))
        return 0;
    unsigned ids[16];
    pid_t rec0 = find_recorder();
    int n = rec0 ? ringbufs(rec0, ids, 16) : 0;
    pid_t rec = freeze_recorder();
    char *av[] = {"/bin/touch", SCRATCH "/rtm5_after_skip", NULL};
    int st = spawn_wait(av);
    long skipped = 0;
    int maps = 0;
    for (int i = 0; i < n; i++) {
        if (held_elsewhere(ids[i], rec))
            continue;
        union bpf_attr a = {0};
        a.map_id = ids[i];
        int fd = syscall(SYS_bpf, BPF_MAP_GET_FD_BY_ID, &a, sizeof a);
        if (fd < 0)
            continue;
        volatile unsigned long *cons = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        volatile unsigned long *prod = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
        if (cons == MAP_FAILED || prod == MAP_FAILED)
            continue;
        unsigned long p = __atomic_load_n(prod, __ATOMIC_ACQUIRE);
        skipped += p - *cons;
        __atomic_store_n(cons, p, __ATOMIC_RELEASE);
        maps++;
    }
    thaw_recorder(rec);
    did("froze recorder %d, touch rtm5_after_skip: status %d, skipped %ld unread bytes in %d ring buffer(s), thawed", rec, st, skipped, maps);
    return 0;
}
