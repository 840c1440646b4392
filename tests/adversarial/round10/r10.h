/* Shared bits of the round-10 adversarial techniques (see ../README.md, "Round 10"): round 6's
 * r6.h (round 3's r3.h and uring3.h, round 2's common.h and net.h) with round 10's own scratch
 * dir (/tmp/redteam-adv10), built with -I round10 -I round6 -I round3 -I round2. Markers start
 * with rtm10_/RTM10_; ports are 47901-47920 on 127.0.0.x. Round 10 was written blind to the
 * recorder's code, its docs of the trace format and its blind spots, and its e2e tests; it
 * attacks what the project said was new since round 9 (every open named from its new fd,
 * symlinked paths of other calls looked up by the recorder shortly after the call, io_uring
 * opens named at completion, argv to 16 KiB, daemon trees followed, losses counted). The
 * allowed dir is SCRATCH/allowed; the true place of a file is a directory named rtm10_real_*. */
#ifndef R10_H
#define R10_H
/* A later round that builds on this header sets its own scratch dir first (round11/r11.h). */
#ifndef SCRATCH
#define SCRATCH "/tmp/redteam-adv10"
#endif
#include "uring3.h"
#include "r6.h"
#include <linux/fs.h>
#include <sys/mount.h>

/* Queue `n` entries and submit them in one io_uring_enter that does not wait. */
static inline void ring_submit_n(struct ring *r, const struct io_uring_sqe *e, unsigned n)
{
    unsigned tail = *r->sq_tail;
    for (unsigned i = 0; i < n; i++) {
        unsigned idx = (tail + i) & *r->sq_mask;
        r->sqes[idx] = e[i];
        r->sq_array[idx] = idx;
    }
    __atomic_store_n(r->sq_tail, tail + n, __ATOMIC_RELEASE);
    if (syscall(SYS_io_uring_enter, r->fd, n, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0) < 0)
        DIE("io_uring_enter submit %u", n);
}
/* The next completion's result. */
static inline int ring_reap(struct ring *r)
{
    while (__atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) == *r->cq_head)
        syscall(SYS_io_uring_enter, r->fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0);
    int res = r->cqes[*r->cq_head & *r->cq_mask].res;
    __atomic_store_n(r->cq_head, *r->cq_head + 1, __ATOMIC_RELEASE);
    return res;
}

/* Makes `path`'s directories and the file itself (empty). */
static inline void touch_p(const char *path)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = 0;
    mkdir_p(dir);
    write_file(path, "");
}
/* A private mount namespace (propagation cut off: nothing it mounts reaches the host). */
static inline void private_mounts(void)
{
    if (unshare(CLONE_NEWNS) < 0)
        DIE("unshare(CLONE_NEWNS)");
    if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        DIE("mount MS_PRIVATE /");
}
static inline const char *yes_no(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? "yes" : "no";
}
static inline unsigned mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_mode & 07777 : 0;
}

/* The swap (f10_swap_*): ALLOWED/lnk points at ALLOWED/decoy (where a twin of the target sits)
 * and ALLOWED/lnk.alt at the real dir, both made at install. swap() exchanges the two names
 * atomically (renameat2 RENAME_EXCHANGE, both in the allowed dir): one swap before the call,
 * one right after, so that a lookup made later finds the decoy. */
static inline void swap_prepare(const char *real)
{
    mkdir_p(real);
    mkdir_p(ALLOWED "/decoy");
    if (symlink("decoy", ALLOWED "/lnk") < 0 || symlink(real, ALLOWED "/lnk.alt") < 0)
        DIE("symlink");
}
static inline void swap(void)
{
    if (syscall(SYS_renameat2, AT_FDCWD, ALLOWED "/lnk", AT_FDCWD, ALLOWED "/lnk.alt", RENAME_EXCHANGE) < 0)
        DIE("renameat2 RENAME_EXCHANGE");
}
static inline const char *link_target(const char *path)
{
    static char buf[512];
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    return buf;
}
#endif
