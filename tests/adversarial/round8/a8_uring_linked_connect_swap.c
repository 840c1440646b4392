/* a8_uring_linked_connect_swap: an IORING_OP_CONNECT hard-linked behind a 300 ms
 * IORING_OP_TIMEOUT. The kernel copies the sockaddr when it preps the entry, inside the
 * io_uring_enter that submits both; the connect itself runs 300 ms later. Right after the
 * submit the program rewrites its sockaddr buffer from 127.0.0.2:47805 (where the connection
 * really goes) to the allowed 127.0.0.1:47804: a recorder that reads the user's buffer when the
 * op runs or completes names the allowed address. */
#include "r8.h"
int main(void)
{
    struct sockaddr_in real = ip4("127.0.0.2", 47805), decoy = ip4("127.0.0.1", 47804);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (struct sockaddr *)&real, sizeof real) < 0 || listen(l, 4) < 0)
        DIE("listen 127.0.0.2:47805");
    int s = socket(AF_INET, SOCK_STREAM, 0);
    static struct sockaddr_in buf; /* the buffer the entry points at */
    buf = real;
    struct __kernel_timespec ts = {.tv_sec = 0, .tv_nsec = 300 * 1000000L};
    struct ring r;
    ring_init(&r, 0);
    struct io_uring_sqe e[2];
    memset(e, 0, sizeof e);
    e[0].opcode = IORING_OP_TIMEOUT;
    e[0].fd = -1;
    e[0].addr = (unsigned long)&ts;
    e[0].len = 1;
    e[0].flags = IOSQE_IO_HARDLINK;
    e[0].user_data = 1;
    e[1].opcode = IORING_OP_CONNECT;
    e[1].fd = s;
    e[1].addr = (unsigned long)&buf;
    e[1].off = sizeof buf; /* addr2: the address length */
    e[1].user_data = 2;
    ring_submit_n(&r, e, 2);
    buf = decoy; /* after the kernel's copy, before the connect runs */
    int res[3] = {0, 0, 0};
    for (int i = 0; i < 2; i++) {
        unsigned long long ud = 0;
        int v = ring_reap(&r, &ud);
        if (ud < 3)
            res[ud] = v;
    }
    struct sockaddr_in peer = {0};
    socklen_t pl = sizeof peer;
    getpeername(s, (struct sockaddr *)&peer, &pl);
    char ip[32] = "?";
    inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof ip);
    int c = accept(l, NULL, NULL);
    did("timeout -> %d, linked connect -> %d; buffer now says 127.0.0.1:47804; peer is %s:%d; accepted on 127.0.0.2:47805: %s",
        res[1], res[2], ip, ntohs(peer.sin_port), c >= 0 ? "yes" : "no");
    return 0;
}
