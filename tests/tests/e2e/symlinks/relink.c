/* Round 10's relink techniques, for tests/tests/e2e/symlinks.rs: argv[1] is the mode, argv[2]
 * the allowed directory (ALLOWED), argv[3] a directory outside it (OUT).
 *   swap:  ALLOWED/lnk -> decoy at rest, lnk.alt -> OUT/sw; exchanged (RENAME_EXCHANGE) for
 *          fchmodat(dirfd of ALLOWED, "lnk/x", 04755) and mkdirat(.., "lnk/made") only.
 *   swapdir: ALLOWED/d a real directory, d.alt -> OUT/sd; exchanged for chmod(ALLOWED/d/x)
 *          only: at rest the path has no link.
 *   uring: IORING_OP_MKDIRAT, RENAMEAT, UNLINKAT by ALLOWED/ulnk/… with ulnk -> OUT/u.
 *   uringlink: IORING_OP_LINKAT(ALLOWED/src -> ALLOWED/ulnk/hard) and
 *          IORING_OP_SYMLINKAT("/etc/shadow", ALLOWED/ulnk/sym) with ulnk -> OUT/u.
 *   mntns: a private mount namespace, a tmpfs over ALLOWED/ns holding l -> OUT/m; chmod
 *          ALLOWED/ns/l/y 04755 by its absolute path.
 *   direct: IORING_OP_OPENAT of ALLOWED/dlnk/f (O_CREAT) into a direct descriptor
 *          (IORING_FILE_INDEX_ALLOC: no fd), dlnk -> OUT/d, then IORING_OP_WRITE through the
 *          fixed slot. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DIE(what) (perror(what), exit(1))

static char *at(const char *dir, const char *name)
{
    char *p;
    if (asprintf(&p, "%s/%s", dir, name) < 0)
        DIE("asprintf");
    return p;
}

static void exchange(const char *a, const char *b)
{
    if (syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 2 /* RENAME_EXCHANGE */) < 0)
        DIE("renameat2 RENAME_EXCHANGE");
}

struct ring {
    int fd;
    struct io_uring_sqe *sqes;
    unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
    struct io_uring_cqe *cqes;
};

static void ring_init(struct ring *r)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    r->fd = syscall(SYS_io_uring_setup, 8, &p);
    if (r->fd < 0)
        DIE("io_uring_setup");
    size_t sqsz = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cqsz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    char *sq = mmap(NULL, sqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
    char *cq = mmap(NULL, cqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
    r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
        DIE("mmap ring");
    r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
    r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
    r->sq_array = (unsigned *)(sq + p.sq_off.array);
    r->cq_head = (unsigned *)(cq + p.cq_off.head);
    r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
    r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
    r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
}

/* Submits one entry and returns its result. */
static int ring_run(struct ring *r, const struct io_uring_sqe *e)
{
    unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask;
    r->sqes[idx] = *e;
    r->sq_array[idx] = idx;
    __atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
    if (syscall(SYS_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
        DIE("io_uring_enter");
    while (__atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) == *r->cq_head) {
    }
    int res = r->cqes[*r->cq_head & *r->cq_mask].res;
    __atomic_store_n(r->cq_head, *r->cq_head + 1, __ATOMIC_RELEASE);
    return res;
}

static void ring_op(struct ring *r, unsigned char opcode, const char *path, const char *path2, const char *what)
{
    struct io_uring_sqe e = {.opcode = opcode, .fd = AT_FDCWD};
    e.addr = (unsigned long)path;
    if (opcode == IORING_OP_MKDIRAT)
        e.len = 0755;
    if (opcode == IORING_OP_RENAMEAT || opcode == IORING_OP_LINKAT) {
        e.len = AT_FDCWD; /* the new name's dirfd */
        e.addr2 = (unsigned long)path2;
    }
    if (opcode == IORING_OP_SYMLINKAT) /* addr: the link's text; fd: the new name's dirfd */
        e.addr2 = (unsigned long)path2;
    int res = ring_run(r, &e);
    if (res < 0) {
        errno = -res;
        DIE(what);
    }
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    const char *mode = argv[1], *allowed = argv[2], *out = argv[3];
    if (!strcmp(mode, "swap")) {
        int dfd = open(allowed, O_RDONLY | O_DIRECTORY);
        if (dfd < 0)
            DIE("open");
        char *lnk = at(allowed, "lnk"), *alt = at(allowed, "lnk.alt");
        exchange(lnk, alt);
        int r = fchmodat(dfd, "lnk/x", 04755, 0);
        exchange(lnk, alt);
        if (r < 0)
            DIE("fchmodat");
        exchange(lnk, alt);
        r = mkdirat(dfd, "lnk/made", 0755);
        exchange(lnk, alt);
        if (r < 0)
            DIE("mkdirat");
    } else if (!strcmp(mode, "swapdir")) {
        char *d = at(allowed, "d"), *alt = at(allowed, "d.alt");
        exchange(d, alt);
        int r = chmod(at(d, "x"), 04755);
        exchange(d, alt);
        if (r < 0)
            DIE("chmod");
    } else if (!strcmp(mode, "uring")) {
        struct ring r;
        ring_init(&r);
        ring_op(&r, IORING_OP_MKDIRAT, at(allowed, "ulnk/made"), NULL, "IORING_OP_MKDIRAT");
        ring_op(&r, IORING_OP_RENAMEAT, at(allowed, "src"), at(allowed, "ulnk/moved"), "IORING_OP_RENAMEAT");
        ring_op(&r, IORING_OP_UNLINKAT, at(allowed, "ulnk/victim"), NULL, "IORING_OP_UNLINKAT");
    } else if (!strcmp(mode, "uringlink")) {
        struct ring r;
        ring_init(&r);
        ring_op(&r, IORING_OP_LINKAT, at(allowed, "src"), at(allowed, "ulnk/hard"), "IORING_OP_LINKAT");
        ring_op(&r, IORING_OP_SYMLINKAT, "/etc/shadow", at(allowed, "ulnk/sym"), "IORING_OP_SYMLINKAT");
    } else if (!strcmp(mode, "mntns")) {
        if (unshare(CLONE_NEWNS) < 0)
            DIE("unshare");
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
            DIE("mount private");
        char *ns = at(allowed, "ns");
        if (mount("tmpfs", ns, "tmpfs", 0, "size=64k") < 0)
            DIE("mount tmpfs");
        if (symlink(at(out, "m"), at(ns, "l")) < 0)
            DIE("symlink");
        if (chmod(at(ns, "l/y"), 04755) < 0)
            DIE("chmod");
    } else if (!strcmp(mode, "direct")) {
        struct ring r;
        ring_init(&r);
        int sparse[4] = {-1, -1, -1, -1};
        if (syscall(SYS_io_uring_register, r.fd, IORING_REGISTER_FILES, sparse, 4) < 0)
            DIE("IORING_REGISTER_FILES");
        struct io_uring_sqe o = {.opcode = IORING_OP_OPENAT, .fd = AT_FDCWD, .len = 0600};
        o.addr = (unsigned long)at(allowed, "dlnk/f");
        o.open_flags = O_WRONLY | O_CREAT | O_TRUNC;
        o.file_index = IORING_FILE_INDEX_ALLOC;
        int slot = ring_run(&r, &o);
        if (slot < 0) {
            errno = -slot;
            DIE("IORING_OP_OPENAT direct");
        }
        static const char text[] = "through a direct descriptor\n";
        struct io_uring_sqe w = {.opcode = IORING_OP_WRITE, .fd = slot, .flags = IOSQE_FIXED_FILE};
        w.addr = (unsigned long)text;
        w.len = sizeof text - 1;
        int n = ring_run(&r, &w);
        if (n < 0) {
            errno = -n;
            DIE("IORING_OP_WRITE fixed");
        }
    } else {
        return 2;
    }
    return 0;
}
