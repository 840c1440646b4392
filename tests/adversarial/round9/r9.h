/* Shared bits of the round-9 adversarial techniques (see ../README.md, "Round 9"): round 6's
 * r6.h (round 3's r3.h and uring3.h, round 2's common.h and net.h) with round 9's own scratch
 * dir (/tmp/redteam-adv9), built with -I round9 -I round6 -I round3 -I round2. Markers start
 * with rtm9_. Round 9 attacks the kernel-side naming of relative paths (the dentry + mount walk
 * whose result is an event's `real`): every technique puts a file somewhere and names it, in
 * every path the program passes, somewhere else. The true place of each file is a directory
 * whose name starts with `rtm9_real_`; the allowed dir is SCRATCH/allowed. */
#ifndef R9_H
#define R9_H
#define SCRATCH "/tmp/redteam-adv9"
#include "uring3.h"
#include "r6.h"
#include <sys/mount.h>
#include <sys/sysmacros.h>

/* Makes `path`'s directories and the file itself (empty). */
static inline void touch_p(const char *path)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    *slash = 0;
    mkdir_p(dir);
    write_file(path, "");
}

/* The mover: a daemon started by `prepare` (a file manager, a sync agent: a process outside
 * the recording) that renames directory FROM to TO once the file GO exists. */
static const char *mv_from, *mv_to, *mv_go;
static void mover_fn(void)
{
    daemon_ready("rtm9_mover");
    for (;;) {
        if (access(mv_go, F_OK) == 0) {
            if (rename(mv_from, mv_to) < 0)
                DIE("rename %s %s", mv_from, mv_to);
            return;
        }
        usleep(5000);
    }
}
static inline void mover_prepare(const char *from, const char *to, const char *go)
{
    mkdir_p(from);
    mv_from = from, mv_to = to, mv_go = go;
    start_daemon("rtm9_mover", mover_fn);
}
/* Opens FROM as a dirfd, asks the mover to move it, waits until it has. */
static inline int mover_dirfd(const char *from, const char *go, int flags)
{
    int dfd = open(from, O_RDONLY | O_DIRECTORY | flags);
    if (dfd < 0)
        DIE("open %s", from);
    write_file(go, "go");
    struct stat st;
    for (int i = 0; i < 300 && stat(from, &st) == 0; i++)
        usleep(10000);
    if (stat(from, &st) == 0)
        DIE("the mover did not move %s", from);
    return dfd;
}
/* A private mount namespace (propagation cut off: nothing it mounts reaches the host). */
static inline void private_mounts(void)
{
    if (unshare(CLONE_NEWNS) < 0)
        DIE("unshare(CLONE_NEWNS)");
    if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        DIE("mount MS_PRIVATE /");
}
/* Whether `path` exists (stat, not followed through a last symlink). */
static inline const char *yes_no(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? "yes" : "no";
}

/* The prepare and cleanup runs of a technique whose directory the mover daemon moves: before
 * the recording the daemon is started (and, with `src`, ALLOWED/rtm9_src made); after it, the
 * daemon is stopped. 1 when this run was one of them. */
static inline int mover_phases(int argc, char **argv, const char *sub, const char *real,
                               const char *go, int src)
{
    if (is_prepare(argc, argv)) {
        mover_prepare(sub, real, go);
        if (src)
            touch_p(ALLOWED "/rtm9_src");
        return 1;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("rtm9_mover");
        return 1;
    }
    return 0;
}
#endif
