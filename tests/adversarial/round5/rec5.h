/* Round 5's attacks on the recorder: freeze it through the cgroup v2 freezer (no signal: the
 * kernel just stops scheduling it) in a child cgroup the install made (CG2/rtm5_frz), and thaw
 * it and put it back where it was. Only the recorder of this run (the nearest ancestor named
 * tracer) is moved. */
#include "r5.h"
#define FRZ "/rtm5_frz"
static char rec_orig[512];
static inline pid_t freeze_recorder(void)
{
    pid_t rec = find_recorder();
    if (!rec) {
        fprintf(stderr, "no recorder ancestor\n");
        exit(1);
    }
    cgroup_of(rec, rec_orig, sizeof rec_orig);
    cgroup_move(FRZ, rec);
    if (!cgroup_freeze(FRZ, 1))
        fprintf(stderr, "recorder %d not frozen after 2 s\n", rec);
    return rec;
}
static inline void thaw_recorder(pid_t rec)
{
    cgroup_freeze(FRZ, 0);
    cgroup_move(rec_orig, rec);
}
/* prepare: the child cgroup; cleanup: thaw it and move whatever is left to the root. */
static inline int freeze_prepare_cleanup(int argc, char **argv)
{
    if (argc < 2)
        return 0;
    if (strcmp(argv[1], "prepare") == 0) {
        mkdir(CG2 FRZ, 0755);
        return 1;
    }
    if (strcmp(argv[1], "cleanup") == 0) {
        write_str(CG2 FRZ "/cgroup.freeze", "0");
        FILE *f = fopen(CG2 FRZ "/cgroup.procs", "r");
        int pid;
        while (f && fscanf(f, "%d", &pid) == 1)
            cgroup_move("/", pid);
        if (f)
            fclose(f);
        rmdir(CG2 FRZ);
        return 1;
    }
    return 0;
}
