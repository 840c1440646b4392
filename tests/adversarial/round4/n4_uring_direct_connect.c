/* IORING_OP_SOCKET into a registered (direct) file slot, then IORING_OP_CONNECT with
 * IOSQE_FIXED_FILE to 127.0.0.1:47303 (a listener in the same program): the socket never has a
 * file descriptor in the process's table. */
#include "uring4.h"
int main(void)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = lo4(47303);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (void *)&a, sizeof a) < 0 || listen(l, 4) < 0)
        DIE("listen 47303");
    struct ring r;
    ring_init(&r, 0);
    int slots[4] = {-1, -1, -1, -1};
    if (syscall(SYS_io_uring_register, r.fd, IORING_REGISTER_FILES, slots, 4) < 0)
        DIE("IORING_REGISTER_FILES");
    struct io_uring_sqe s = {.opcode = IORING_OP_SOCKET, .fd = AF_INET};
    s.off = SOCK_STREAM;
    s.file_index = 1; /* slot 0 */
    int res = ring_run(&r, &s);
    if (res < 0) {
        errno = -res;
        DIE("IORING_OP_SOCKET direct");
    }
    struct io_uring_sqe c = {.opcode = IORING_OP_CONNECT, .fd = 0, .flags = IOSQE_FIXED_FILE};
    c.addr = (unsigned long)&a;
    c.off = sizeof a;
    res = ring_run(&r, &c);
    int conn = accept(l, NULL, NULL);
    did("IORING_OP_SOCKET (direct slot 0) + IORING_OP_CONNECT 127.0.0.1:47303: %d, accepted: %s", res, conn >= 0 ? "yes" : "no");
    return res < 0;
}
