/* IORING_OP_SOCKET into a direct descriptor, IORING_OP_CONNECT (fixed file) to
 * 127.0.0.3:47922 (the program's own listener there, made with plain calls first) and
 * IORING_OP_SEND of a marker: an outgoing connection with no socket fd. Only 127.0.0.1 is an
 * allowed destination. */
#include "r11.h"
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv))
        return 0;
    static struct sockaddr_in a;
    a = ip4("127.0.0.3", 47922);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 4) < 0)
        DIE("listener");
    struct ring r;
    ring_init(&r, 0);
    int sparse[4] = {-1, -1, -1, -1};
    if (syscall(SYS_io_uring_register, r.fd, IORING_REGISTER_FILES, sparse, 4) < 0)
        DIE("IORING_REGISTER_FILES sparse");
    struct io_uring_sqe s = {.opcode = IORING_OP_SOCKET, .fd = AF_INET, .off = SOCK_STREAM};
    s.file_index = IORING_FILE_INDEX_ALLOC;
    int slot = ring_run(&r, &s);
    if (slot < 0) {
        errno = -slot;
        DIE("IORING_OP_SOCKET direct");
    }
    struct io_uring_sqe c = {.opcode = IORING_OP_CONNECT, .fd = slot, .flags = IOSQE_FIXED_FILE};
    c.addr = (unsigned long)&a;
    c.off = sizeof a;
    int rc = ring_run(&r, &c);
    static const char msg[] = "RTM11_direct_connect";
    struct io_uring_sqe w = {.opcode = IORING_OP_SEND, .fd = slot, .flags = IOSQE_FIXED_FILE};
    w.addr = (unsigned long)msg;
    w.len = sizeof msg - 1;
    int rw = ring_run(&r, &w);
    int k = accept(ls, NULL, NULL);
    char buf[64] = "";
    ssize_t n = k >= 0 ? read(k, buf, sizeof buf - 1) : -1;
    buf[n > 0 ? n : 0] = 0;
    did("direct socket slot %d connect %d send %d; listener at 127.0.0.3:47922 read \"%s\"", slot, rc, rw, buf);
    return 0;
}
