/* f7_uring_recvmsg_scm_file: the SCM_RIGHTS fd arrives through IORING_OP_RECVMSG (no recvmsg
 * syscall); the program writes through it with IORING_OP_WRITE. */
#define SCRATCH "/tmp/redteam-adv7"
#include "uring3.h"
#include "r7.h"
#include <sys/socket.h>
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv)) {
        start_fd_daemon("rtm7_fdd_uring", "rtm7_uring_recv_target", 1);
        return 0;
    }
    if (is_cleanup(argc, argv)) {
        stop_daemon("rtm7_fdd_uring");
        return 0;
    }
    struct ring r;
    ring_init(&r, 0);
    int s = abstract_connect("rtm7_fdd_uring");
    char cbuf[CMSG_SPACE(sizeof(int))], b;
    struct iovec iov = {.iov_base = &b, .iov_len = 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    struct io_uring_sqe e = {.opcode = IORING_OP_RECVMSG, .fd = s};
    e.addr = (unsigned long)&m;
    e.len = 1;
    int res = ring_run(&r, &e);
    if (res < 0) {
        errno = -res;
        DIE("IORING_OP_RECVMSG");
    }
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    if (!c || c->cmsg_type != SCM_RIGHTS)
        DIE("no fd");
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    const char *msg = "rtm7 written through an fd from IORING_OP_RECVMSG\n";
    struct io_uring_sqe w = {.opcode = IORING_OP_WRITE, .fd = fd};
    w.addr = (unsigned long)msg;
    w.len = strlen(msg);
    w.off = -1;
    res = ring_run(&r, &w);
    did("IORING_OP_RECVMSG fd %d, IORING_OP_WRITE -> %d", fd, res);
    return 0;
}
