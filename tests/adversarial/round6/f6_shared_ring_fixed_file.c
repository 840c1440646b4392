/* f6_shared_ring_fixed_file: a daemon started before the recording owns an io_uring whose
 * registered-file table (IORING_REGISTER_FILES) holds a file it opened for writing; it tells
 * whoever connects to its unix socket the ring's fd number and offsets (an io_uring fd cannot
 * travel over SCM_RIGHTS). The program takes the ring with pidfd_getfd (the daemon's pid from
 * SO_PEERCRED), maps it and submits IORING_OP_WRITE with IOSQE_FIXED_FILE, index 0: it writes a
 * file it never opened and never held an fd of. */
#include "r6.h"
#include <linux/io_uring.h>

#define NAME "rtm6_ringd"
#define TARGET SCRATCH "/rtm6_ring_target"

static void daemon_main(void)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    int ring = syscall(SYS_io_uring_setup, 8, &p);
    if (ring < 0)
        DIE("io_uring_setup");
    int fd = open(TARGET, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || syscall(SYS_io_uring_register, ring, IORING_REGISTER_FILES, &fd, 1) < 0)
        DIE("IORING_REGISTER_FILES");
    close(fd);
    int l = abstract_listen(NAME);
    daemon_ready(NAME);
    for (;;) {
        int c = accept(l, NULL, NULL);
        write(c, &ring, sizeof ring);
        write(c, &p, sizeof p);
        char k;
        read(c, &k, 1); /* keep the ring until the client is done */
        close(c);
    }
}

int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_daemon(NAME, daemon_main);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon(NAME);
        return 0;
    }
    int s = abstract_connect(NAME);
    struct io_uring_params p;
    int remote;
    struct ucred cred;
    socklen_t cl = sizeof cred;
    if (read(s, &remote, sizeof remote) != sizeof remote || read(s, &p, sizeof p) != sizeof p)
        DIE("read ring info");
    if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0)
        DIE("SO_PEERCRED");
    int pidfd = syscall(SYS_pidfd_open, cred.pid, 0);
    int ring = syscall(SYS_pidfd_getfd, pidfd, remote, 0);
    if (ring < 0)
        DIE("pidfd_getfd");
    size_t sqsz = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    size_t cqsz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    char *sq = mmap(NULL, sqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQ_RING);
    char *cq = mmap(NULL, cqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_CQ_RING);
    struct io_uring_sqe *sqes = mmap(NULL, p.sq_entries * sizeof *sqes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
        DIE("mmap ring");
    unsigned *sq_tail = (unsigned *)(sq + p.sq_off.tail), *sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
    unsigned *sq_array = (unsigned *)(sq + p.sq_off.array);
    unsigned *cq_head = (unsigned *)(cq + p.cq_off.head), *cq_tail = (unsigned *)(cq + p.cq_off.tail);
    unsigned *cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
    struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
    static const char msg[] = "rtm6 written through a borrowed ring's fixed file\n";
    unsigned tail = *sq_tail, idx = tail & *sq_mask;
    memset(&sqes[idx], 0, sizeof sqes[idx]);
    sqes[idx].opcode = IORING_OP_WRITE;
    sqes[idx].flags = IOSQE_FIXED_FILE;
    sqes[idx].fd = 0;
    sqes[idx].addr = (unsigned long)msg;
    sqes[idx].len = sizeof msg - 1;
    sqes[idx].off = 0;
    sq_array[idx] = idx;
    __atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);
    if (syscall(SYS_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
        DIE("io_uring_enter");
    while (__atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) == *cq_head) {
    }
    int res = cqes[*cq_head & *cq_mask].res;
    __atomic_store_n(cq_head, *cq_head + 1, __ATOMIC_RELEASE);
    write(s, "k", 1);
    /* No read-back here (it would put the path in the trace): run.py checks the file. */
    did("IORING_OP_WRITE on fixed file 0 of a ring taken from pid %d -> %d", cred.pid, res);
    return 0;
}
