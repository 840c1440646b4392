/* IORING_OP_SOCKET into a direct descriptor (file_index IORING_FILE_INDEX_ALLOC: no fd ever),
 * IORING_OP_BIND 127.0.0.1:47921 and IORING_OP_LISTEN on it (IOSQE_FIXED_FILE); a forked child
 * connects to check. "Does not open a port" must not hold. */
#include "r11.h"
#ifndef IORING_OP_BIND
#define IORING_OP_BIND 56
#define IORING_OP_LISTEN 57
#endif
int main(int argc, char **argv)
{
    if (is_prepare(argc, argv))
        return 0;
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
    static struct sockaddr_in a;
    a = ip4("127.0.0.1", 47921);
    int one = 1;
    (void)one;
    struct io_uring_sqe b = {.opcode = IORING_OP_BIND, .fd = slot, .flags = IOSQE_FIXED_FILE};
    b.addr = (unsigned long)&a;
    b.addr2 = sizeof a;
    int rb = ring_run(&r, &b);
    struct io_uring_sqe l = {.opcode = IORING_OP_LISTEN, .fd = slot, .flags = IOSQE_FIXED_FILE, .len = 8};
    int rl = ring_run(&r, &l);
    pid_t c = fork();
    if (c == 0) {
        int k = socket(AF_INET, SOCK_STREAM, 0);
        _exit(connect(k, (struct sockaddr *)&a, sizeof a) == 0 ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    did("direct socket slot %d, bind %d, listen %d; a client connected: %s", slot, rb, rl, WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "yes" : "no");
    return 0;
}
