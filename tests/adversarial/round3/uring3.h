/* A minimal io_uring without liburing: set up one ring, submit one entry, wait for it. */
#ifndef URING_H
#define URING_H
#include "r3.h"
#include <linux/io_uring.h>
struct ring {
    int fd;
    struct io_uring_sqe *sqes;
    unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
    struct io_uring_cqe *cqes;
};
static inline void ring_init(struct ring *r, unsigned flags) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = flags;
    p.sq_thread_idle = 2000;
    r->fd = syscall(SYS_io_uring_setup, 8, &p);
    if (r->fd < 0) DIE("io_uring_setup");
    size_t sqsz = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cqsz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    char *sq = mmap(NULL, sqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
    char *cq = mmap(NULL, cqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
    r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED) DIE("mmap ring");
    r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
    r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
    r->sq_array = (unsigned *)(sq + p.sq_off.array);
    r->cq_head = (unsigned *)(cq + p.cq_off.head);
    r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
    r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
    r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
}
/* Submit one prepared entry and return its result. */
static inline int ring_run(struct ring *r, const struct io_uring_sqe *e) {
    unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask;
    r->sqes[idx] = *e;
    r->sq_array[idx] = idx;
    __atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
    if (syscall(SYS_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_SQ_WAKEUP, NULL, 0) < 0) DIE("io_uring_enter");
    while (__atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) == *r->cq_head) {
    }
    int res = r->cqes[*r->cq_head & *r->cq_mask].res;
    __atomic_store_n(r->cq_head, *r->cq_head + 1, __ATOMIC_RELEASE);
    return res;
}

/* An IORING_OP_OPENAT entry creating `path` for writing. */
static inline struct io_uring_sqe uring_create_sqe(const char *path) {
    struct io_uring_sqe e = {.opcode = IORING_OP_OPENAT, .fd = AT_FDCWD};
    e.addr = (unsigned long)path;
    e.open_flags = O_WRONLY | O_CREAT | O_TRUNC;
    e.len = 0600;
    return e;
}
#endif
